package memcgspec.cli;

import static memcgspec.cli.MainTest.assertBadInput;
import static memcgspec.cli.MainTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import memcgspec.cli.MainTest.Run;
import memcgspec.tla.CatalogueEntry;
import memcgspec.tla.SpecRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * check --distributed and worker: TLC 2.18's TLCServer with TLCWorkers on 127.0.0.1 (a free port per run), against
 * what one JVM's TLC found (the catalogue): the verdict, a holding model's distinct states, violations named; the
 * cfg's CHECK_DEADLOCK honoured; liveness refused; bad input in one line; and no TLC process or folder left behind,
 * Ctrl-C included.
 */
class DistributedCheckTest {
    private static final String TLC_DISTRIBUTED = "tlc2.tool.distributed.";

    private static long figure(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": (-?\\d+)").matcher(json);
        assertTrue(m.find(), "no " + key + " in " + json);
        return Long.parseLong(m.group(1));
    }

    /** The live processes of distributed TLC among this JVM's descendants. */
    private static List<ProcessHandle> tlcProcesses() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(h -> h.info().commandLine().map(c -> c.contains(TLC_DISTRIBUTED)).orElse(false)).toList();
    }

    /** No TLC JVM of ours alive, no states/ folder in spec/ or the working directory, no run folder under target/tlc. */
    private static void assertNothingLeft(String model) throws IOException {
        assertEquals(List.of(), tlcProcesses().stream().map(h -> h.info().commandLine().orElse("?")).toList());
        for (Path d : List.of(SpecRoot.specDir(), SpecRoot.specDir().resolve("history"), Path.of("").toAbsolutePath())) {
            assertFalse(Files.exists(d.resolve("states")), "a states/ folder in " + d);
        }
        Path tlc = SpecRoot.targetDir().resolve("tlc");
        if (Files.isDirectory(tlc)) {
            try (Stream<Path> s = Files.list(tlc)) {
                List<Path> left = s.filter(p -> p.getFileName().toString().startsWith(model + "-dist-")).toList();
                assertEquals(List.of(), left, "run folders left under " + tlc);
            }
        }
    }

    @Test
    void chargeOnAServerAndOneWorkerFindsWhatOneJvmFinds() throws IOException {
        CatalogueEntry charge = Common.catalogue().byName("charge");
        Run r = run("check", "charge", "--distributed", "--json");
        assertEquals(0, r.code(), r.err() + r.out());
        String o = r.out();
        for (String key : new String[] {"\"outcome\": \"holds\"", "\"ok\": true", "\"figuresAsExpected\": true",
                "\"version\": \"TLC2 Version 2.18 of 20 March 2023\"", "\"figuresCounted\": true", "\"host\": \"127.0.0.1\"",
                "\"localWorkers\": 1", "\"livenessChecked\": false"}) {
            assertTrue(o.contains(key), "missing " + key + " in " + o);
        }
        assertEquals(charge.states(), figure(o, "distinctStates"), "distinct states as one JVM's TLC (the catalogue)");
        assertEquals(1, figure(o, "workersRegistered"));
        long port = figure(o, "port");
        assertTrue(port > 0 && port < 65536, "port " + port);
        assertNothingLeft("charge");
    }

    @Test
    void violationsAreNamedAsOneJvmNamesThem() throws IOException {
        // A refinement (an action property, KmemRefinement) and an invariant (WithinLimit), which the server prints
        // without a name: judged on TLC's evaluator.
        Run r = run("check", "stock-kmem-refinement", "migrate-era-v4.6-limit", "--distributed", "--json");
        assertEquals(0, r.code(), r.err() + r.out());
        String o = r.out();
        assertTrue(o.contains("\"outcome\": \"violates KmemRefinement\""), o);
        assertTrue(o.contains("\"outcome\": \"violates WithinLimit\""), o);
        assertFalse(o.contains("\"ok\": false"), o);
        assertNothingLeft("stock-kmem-refinement");
        assertNothingLeft("migrate-era-v4.6-limit");
    }

    static final String TOY = """
            ---- MODULE Toy ----
            EXTENDS Naturals
            CONSTANTS Procs
            VARIABLES x, y
            vars == <<x, y>>
            Init == x = 0 /\\ y = [p \\in Procs |-> 0]
            Inc == x < 4 /\\ x' = x + 1 /\\ UNCHANGED y
            Bump(p) == y[p] < 2 /\\ y' = [y EXCEPT ![p] = @ + 1] /\\ UNCHANGED x
            Next == Inc \\/ \\E p \\in Procs : Bump(p)
            Spec == Init /\\ [][Next]_vars
            Sym == Permutations(Procs)
            ====
            """;

    @Test
    void deadlockIsCheckedAsTheCfgSays(@TempDir Path dir) throws IOException {
        // Distributed TLC 2.18 ignores CHECK_DEADLOCK FALSE (only its -deadlock flag counts): the runner passes it.
        Path tla = Files.writeString(dir.resolve("Toy.tla"), TOY.replace("EXTENDS Naturals", "EXTENDS Naturals, TLC"));
        Path dead = Files.writeString(dir.resolve("dead.cfg"), "CONSTANTS Procs = {p1, p2, p3}\nSPECIFICATION Spec\nSYMMETRY Sym\n");
        Path live = Files.writeString(dir.resolve("nodead.cfg"), "CONSTANTS Procs = {p1, p2, p3}\nSPECIFICATION Spec\nSYMMETRY Sym\nCHECK_DEADLOCK FALSE\n");
        Run d = run("check", tla.toString(), "--config", dead.toString(), "--distributed", "--json");
        assertEquals(1, d.code(), d.err() + d.out());
        assertTrue(d.out().contains("\"outcome\": \"deadlock\""), d.out());
        Run h = run("check", tla.toString(), "--config", live.toString(), "--distributed", "--json");
        assertEquals(0, h.code(), h.err() + h.out());
        assertTrue(h.out().contains("\"outcome\": \"holds\""), h.out());
        // 5 values of x times the multisets of 3 counters in 0..2 under SYMMETRY: 5 * 10, as one JVM's TLC finds.
        assertEquals(50, figure(h.out(), "distinctStates"));
        assertNothingLeft("Toy");
    }

    @Test
    void helpNamesTheOptionsAndWhatDistributedTlcDoesNotCheck() {
        Run check = run("check", "--help");
        assertEquals(0, check.code());
        for (String s : new String[] {"--distributed", "--local-workers", "--worker-threads", "--port", "--remote-workers",
                "--host", "--connect-timeout", "NOT liveness", "docs/distributed.md"}) {
            assertTrue(check.out().contains(s), "check --help lacks " + s + ": " + check.out());
        }
        Run main = run("--help");
        assertTrue(main.out().contains("worker"), main.out());
        Run worker = run("worker", "--help");
        assertEquals(0, worker.code());
        for (String s : new String[] {"HOST", "--port", "--threads", "--address", "--connect-timeout"}) {
            assertTrue(worker.out().contains(s), "worker --help lacks " + s + ": " + worker.out());
        }
    }

    @Test
    void aModelWithALivenessPropertyIsRefused() {
        Run r = run("check", "swapin-2009-prefix", "--distributed");
        assertBadInput(r, "distributed TLC 2.18 does not check liveness properties");
        assertTrue(r.err().contains("Termination"), r.err());
    }

    @Test
    void badDistributedOptionsAreBadInput() throws IOException {
        assertBadInput(run("check", "charge", "--port", "4000"), "--port needs --distributed");
        assertBadInput(run("check", "charge", "--local-workers", "2"), "--local-workers needs --distributed");
        assertBadInput(run("check", "charge", "--distributed", "--workers", "2"), "--workers sets TLC's threads in one JVM");
        assertBadInput(run("check", "charge", "--distributed", "--local-workers", "0"), "--local-workers 0 needs --remote-workers");
        assertBadInput(run("check", "charge", "--distributed", "--worker-threads", "0"), "--worker-threads must be at least 1");
        assertBadInput(run("check", "charge", "--distributed", "--port", "70000"), "--port must be between 1 and 65535");
        assertBadInput(run("check", "charge", "--distributed", "--host", "example.org"), "--host needs --remote-workers");
        assertBadInput(run("check", "no-such-model", "--distributed"), "no-such-model");
        try (ServerSocket taken = new ServerSocket(0)) {
            int port = taken.getLocalPort();
            assertBadInput(run("check", "charge", "--distributed", "--port", Integer.toString(port)), "port " + port + " is in use");
        }
        assertNothingLeft("charge");
    }

    @Test
    void aWorkerThatCannotReachItsServerIsBadInputAndLeavesNoProcess() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();  // free, and nothing listens on it once closed
        }
        Run r = run("worker", "127.0.0.1", "--port", Integer.toString(port), "--threads", "1", "--connect-timeout", "3");
        assertBadInput(r, "cannot reach a TLC server at 127.0.0.1:" + port + " within 3 s");
        assertNothingLeft("worker");
    }

    @Test
    void ctrlCKillsTheServerAndItsWorkers(@TempDir Path dir) throws Exception {
        // The CLI in a JVM of its own, checking a model long enough to be interrupted (kmem: tens of seconds).
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseParallelGC", "-cp", System.getProperty("java.class.path"),
                "-D" + SpecRoot.PROPERTY + "=" + SpecRoot.root(), "memcgspec.cli.Main",
                "check", "kmem", "--distributed", "--local-workers", "2")
                .redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile());
        Process cli = pb.start();
        List<ProcessHandle> tlc = List.of();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline && cli.isAlive()) {
                tlc = cli.descendants().filter(h -> h.info().commandLine().map(c -> c.contains(TLC_DISTRIBUTED)).orElse(false)).toList();
                if (tlc.size() == 3) break;  // the server and two workers
                Thread.sleep(200);
            }
            assertEquals(3, tlc.size(), "a TLCServer and two TLCWorkers running; CLI stderr: " + Files.readString(dir.resolve("err")));
            // SIGINT to the CLI alone (a terminal's Ctrl-C would signal the whole process group): the CLI must end them.
            new ProcessBuilder("kill", "-INT", Long.toString(cli.pid())).inheritIO().start().waitFor();
            assertTrue(cli.waitFor(60, TimeUnit.SECONDS), "the CLI exits on SIGINT");
            for (ProcessHandle h : tlc) {
                try {
                    h.onExit().get(15, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    // asserted below
                }
                assertFalse(h.isAlive(), "left running after the CLI's exit: " + h.info().commandLine().orElse("?"));
            }
            assertNothingLeft("kmem");
        } finally {
            // Should this test fail, it leaves no orphan of its own behind.
            for (ProcessHandle h : tlc) h.destroyForcibly();
            cli.descendants().forEach(ProcessHandle::destroyForcibly);
            cli.destroyForcibly();
        }
    }
}
