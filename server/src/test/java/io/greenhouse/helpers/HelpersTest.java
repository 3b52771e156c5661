package io.greenhouse.helpers;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The C helpers' own tests: src/test/c/helpers-test.c, built with gcc against the headers the
 * helpers share (in-root resolver, checked numbers, runc's JSON log lines, frames, SCM_RIGHTS)
 * and run; and every helper compiles as setup-host.sh builds it, warnings as errors.
 */
class HelpersTest {
    private static final Path SOURCES = Path.of("src/main/c");
    private static final Path OUT = Path.of("target/helpers-test");

    @Test
    void theSharedPartsPassTheirTests() throws Exception {
        Files.createDirectories(OUT);
        Path binary = OUT.resolve("helpers-test");
        Result build = run("gcc", "-O1", "-g", "-Wall", "-Werror", "-I", SOURCES.toString(),
                "-o", binary.toString(), "src/test/c/helpers-test.c");
        assertEquals(0, build.code(), build.output());
        Result test = run(binary.toString());
        assertEquals(0, test.code(), test.output());
        assertTrue(test.output().strip().endsWith(" checks, 0 failed"), test.output());
    }

    @Test
    void everyHelperCompilesWithoutWarnings() throws Exception {
        List<Path> helpers;
        try (Stream<Path> s = Files.list(SOURCES)) {
            helpers = s.filter(p -> p.toString().endsWith(".c")).sorted().toList();
        }
        assertFalse(helpers.isEmpty());
        Files.createDirectories(OUT);
        for (Path helper : helpers) {
            // Built for real: some warnings (format truncation) only come from the optimiser.
            String name = helper.getFileName().toString().replace(".c", "");
            Result r = run("gcc", "-O2", "-Wall", "-Werror", "-o", OUT.resolve(name).toString(), helper.toString());
            assertEquals(0, r.code(), helper + ": " + r.output());
        }
    }

    private record Result(int code, String output) {
    }

    private static Result run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return new Result(-1, "timed out: " + out);
        }
        return new Result(p.exitValue(), out);
    }
}
