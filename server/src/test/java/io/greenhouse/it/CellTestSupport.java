package io.greenhouse.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every black-box test of the cell shares: each test starts from an empty cell, and after it
 * nothing of any container is left on the host (mounts, runC containers, cgroups, depot entries,
 * process monitors), whatever the test did or where it failed.
 */
abstract class CellTestSupport {
    protected final TestCell cell = new TestCell();

    @BeforeEach
    void startFromAnEmptyCell() {
        // On a loaded host Liberty may say it started before the application has (its start
        // timeout passed): the first test of a run waits for the cell's ping instead of failing.
        cell.awaitReady(Duration.ofMinutes(3));
        cell.destroyAll();
    }

    @AfterEach
    void nothingLeaks() {
        cell.destroyAll();
        // Monitors of killed processes exit a moment after their container is gone.
        assertTrue(TestCell.eventually(Duration.ofSeconds(10), () -> cell.leftovers().isEmpty()),
                () -> "leftovers: " + cell.leftovers());
    }
}
