package io.greenhouse.cli;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;

/** The streams a command reads and writes, and whether they are a terminal (for {@code run --tty}). */
record Terminal(InputStream in, PrintStream out, PrintStream err, boolean interactive) {

    static Terminal system() {
        // System.console() is there only when stdin and stdout are both a terminal.
        return new Terminal(System.in, System.out, System.err, System.console() != null);
    }

    static Terminal of(InputStream in, OutputStream out, OutputStream err) {
        return new Terminal(in, new PrintStream(out, true), new PrintStream(err, true), false);
    }
}
