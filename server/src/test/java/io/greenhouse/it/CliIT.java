package io.greenhouse.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CLI's runnable jar (cli module) against the test cell, as a new user runs it from the README:
 * create, list, info, run with stdin and exit codes, files in and out, net-in, destroy, and an
 * interactive shell on a pseudo-terminal that script(1) makes, so the CLI sees a real terminal.
 */
class CliIT extends CellTestSupport {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private final Path jar = Path.of(System.getProperty("greenhouse.test.cli", "../cli/target/greenhouse-cli.jar"));

    /** Under load the cell's application may still be starting when Maven's start goal returns. */
    @BeforeAll
    static void cellAnswers() {
        new TestCell().awaitReady(Duration.ofMinutes(5));
    }

    record Result(int exit, String out, String err) {
    }

    private List<String> command(String... args) {
        assertTrue(Files.isRegularFile(jar), () -> jar + " is missing: build from the root (the cli module)");
        List<String> c = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "--target", cell.url.toString()));
        c.addAll(List.of(args));
        return c;
    }

    private Result cli(InputStream stdin, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile(cell.work, "cli-out", "");
        Path err = Files.createTempFile(cell.work, "cli-err", "");
        try {
            Process p = new ProcessBuilder(command(args)).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try (OutputStream in = p.getOutputStream()) {
                stdin.transferTo(in);
            }
            assertTrue(p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), () -> "greenhouse " + String.join(" ", args));
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private Result cli(String... args) throws IOException, InterruptedException {
        return cli(new ByteArrayInputStream(new byte[0]), args);
    }

    private static Result ok(Result r) {
        assertEquals(0, r.exit(), () -> "stdout: " + r.out() + " stderr: " + r.err());
        return r;
    }

    @Test
    void createListInfoRunDestroy() throws Exception {
        assertEquals("cli-1\n", ok(cli("create", "-n", "cli-1", "-p", "app=cli", "-e", "GREETING=hi")).out());
        ok(cli("create", "-n", "cli-2", "-p", "app=other"));
        assertEquals("cli-1\n", ok(cli("list", "-p", "app=cli")).out());
        JsonObject info = Json.createReader(new StringReader(ok(cli("info", "cli-1")).out())).readObject();
        assertEquals("active", info.getString("State"));
        assertEquals("cli", info.getJsonObject("Properties").getString("app"));

        Result run = cli("run", "cli-1", "sh", "-c", "echo $GREETING out; echo err >&2; exit 7");
        assertEquals(7, run.exit(), run::toString);
        assertEquals("hi out\n", run.out());
        assertEquals("err\n", run.err());
        Result piped = cli(new ByteArrayInputStream("line one\nline two\n".getBytes(StandardCharsets.UTF_8)),
                "run", "cli-1", "sh", "-c", "cat; echo done");
        assertEquals("line one\nline two\ndone\n", ok(piped).out());

        ok(cli("destroy", "cli-1", "cli-2"));
        assertEquals("", ok(cli("list")).out());
        Result gone = cli("info", "cli-1");
        assertEquals(1, gone.exit());
        assertEquals("greenhouse: ContainerNotFoundError: unknown handle: cli-1\n", gone.err());
    }

    @Test
    void streamsAFileInAndOut() throws Exception {
        ok(cli("create", "-n", "cli-files"));
        Path dir = Files.createTempDirectory(cell.work, "cli-files");
        try {
            Files.writeString(dir.resolve("hello.txt"), "hello from the host\n");
            Path tar = dir.resolve("in.tar");
            TestCell.run("tar", "-C", dir.toString(), "-cf", tar.toString(), "hello.txt");
            try (InputStream in = Files.newInputStream(tar)) {
                ok(cli(in, "stream-in", "cli-files", "-d", "/data"));
            }
            assertEquals("hello from the host\n", ok(cli("run", "cli-files", "cat", "/data/hello.txt")).out());

            Path outTar = dir.resolve("out.tar");
            Process p = new ProcessBuilder(command("stream-out", "cli-files", "-s", "/data/hello.txt"))
                    .redirectOutput(outTar.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            assertTrue(p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS));
            assertEquals(0, p.exitValue());
            Path back = Files.createDirectory(dir.resolve("back"));
            TestCell.run("tar", "-C", back.toString(), "-xf", outTar.toString());
            assertEquals("hello from the host\n", Files.readString(back.resolve("hello.txt")));
        } finally {
            TestCell.run("rm", "-rf", dir.toString());
        }
    }

    @Test
    void netInPrintsTheHostPortInfoReports() throws Exception {
        ok(cli("create", "-n", "cli-net"));
        long hostPort = Long.parseLong(ok(cli("net-in", "cli-net", "-c", "8080")).out().strip());
        long start = Long.getLong("greenhouse.test.portPoolStart", 63001);
        assertTrue(hostPort >= start, () -> hostPort + " below the pool's " + start);
        JsonObject info = Json.createReader(new StringReader(ok(cli("info", "cli-net")).out())).readObject();
        assertEquals(hostPort, info.getJsonArray("MappedPorts").getJsonObject(0).getJsonNumber("HostPort").longValue());
        assertEquals(8080, info.getJsonArray("MappedPorts").getJsonObject(0).getInt("ContainerPort"));
    }

    @Test
    void everyCommandAnswersHelp() throws Exception {
        for (String c : List.of("list", "create", "info", "run", "stream-in", "stream-out", "net-in", "destroy")) {
            assertTrue(ok(cli(c, "--help")).out().startsWith("Usage: greenhouse " + c), c);
        }
        assertEquals(2, cli("run", "no-command").exit());
    }

    /**
     * An interactive shell as a person gets it: script(1) gives the CLI a pseudo-terminal of 33 rows
     * and 111 columns; the CLI puts it in raw mode (so Ctrl-C reaches the container's shell rather
     * than ending the CLI), the container's shell has a terminal of that size, the shell's exit code
     * is the CLI's, and the local terminal's settings are back afterwards.
     */
    @Test
    void interactiveShellOnAPseudoTerminal() throws Exception {
        ok(cli("create", "-n", "cli-tty"));
        Path dir = Files.createTempDirectory(cell.work, "cli-tty");
        try {
            String cli = String.join(" ", command("run", "--tty", "cli-tty").stream().map(a -> "'" + a + "'").toList());
            String shell = "stty rows 33 cols 111; stty -g > " + dir.resolve("before") + "; " + cli + "; rc=$?; "
                    + "stty -g > " + dir.resolve("after") + "; exit $rc";
            Process script = new ProcessBuilder("script", "-qfec", shell, "/dev/null").redirectErrorStream(true).start();
            StringBuffer screen = new StringBuffer();
            Thread reader = new Thread(() -> {
                byte[] buf = new byte[4096];
                try (InputStream in = script.getInputStream()) {
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        screen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    }
                } catch (IOException e) {
                    // the pty is gone
                }
            });
            reader.start();
            OutputStream keys = script.getOutputStream();
            try {
                awaitScreen(screen, "# ");
                type(keys, "echo hi-$((6*7)); tty; stty size\r");
                awaitScreen(screen, "33 111");
                assertTrue(screen.toString().contains("hi-42"), screen::toString);
                assertTrue(screen.toString().contains("/dev/pts/"), screen::toString);
                type(keys, "sleep 100\r");
                awaitScreen(screen, "sleep 100");
                TestCell.sleep(Duration.ofMillis(500));
                type(keys, "\u0003");
                type(keys, "echo after-$((1+1))\r");
                awaitScreen(screen, "after-2");
                type(keys, "exit 3\r");
                assertTrue(script.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), screen::toString);
            } finally {
                script.destroyForcibly();
                reader.join(10_000);
            }
            assertEquals(3, script.exitValue(), screen::toString);
            assertEquals(Files.readString(dir.resolve("before")), Files.readString(dir.resolve("after")));
        } finally {
            TestCell.run("rm", "-rf", dir.toString());
        }
    }

    private static void type(OutputStream keys, String text) throws IOException {
        keys.write(text.getBytes(StandardCharsets.UTF_8));
        keys.flush();
    }

    private static void awaitScreen(StringBuffer screen, String text) {
        assertTrue(TestCell.eventually(WAIT, () -> screen.indexOf(text) >= 0),
                () -> "no '" + text + "' on the screen: " + screen);
    }
}
