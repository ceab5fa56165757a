package memcgspec.cli;

import static memcgspec.cli.MainTest.assertBadInput;
import static memcgspec.cli.MainTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import memcgspec.cli.MainTest.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * check and show with a user's TLA+ tools jar ({@code --tla2tools JAR}; $MEMCG_SPEC_TLA2TOOLS is covered by
 * TlaToolsTest): the pinned jar named by hand gives the same results, bad jars are bad input, and a stand-in
 * for a newer TLC (a fake tlc2.TLC printing upstream's output) is read, its figures reported but not counted.
 */
class Tla2toolsOptionTest {
    static final String PINNED_VERSION = "TLC2 Version 2.18 of 20 March 2023";

    /** The pinned jar as a user would name it: the jar holding tlc2.TLC on the test classpath. */
    static String pinnedJar() throws Exception {
        return Path.of(tlc2.TLC.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    /** The JSON lines of each model, without the run's seconds. */
    private static List<String> modelFigures(String json) {
        String models = json.substring(json.indexOf("\"models\""), json.indexOf("\"tlc\""));
        return models.lines().map(String::strip).filter(l -> !l.startsWith("\"seconds\"")).toList();
    }

    @Test
    void checkWithThePinnedJarNamedGivesTheSameResults() throws Exception {
        Run plain = run("check", "swapin-2009-fixed", "--json");
        Run named = run("check", "swapin-2009-fixed", "--json", "--tla2tools", pinnedJar());
        assertEquals(0, plain.code(), plain.err());
        assertEquals(0, named.code(), named.err());
        assertEquals(modelFigures(plain.out()), modelFigures(named.out()));
        for (Run r : List.of(plain, named)) {
            String o = r.out();
            for (String key : new String[] {"\"outcome\": \"holds\"", "\"figuresAsExpected\": true", "\"tlc\": {",
                    "\"jar\": \"" + pinnedJar() + "\"", "\"version\": \"" + PINNED_VERSION + "\"", "\"source\": \"pinned\"",
                    "\"figuresCounted\": true"}) {
                assertTrue(o.contains(key), "missing " + key + " in " + o);
            }
        }
    }

    @Test
    void showWithThePinnedJarNamed() throws Exception {
        Run r = run("show", "swapin-2009-prefix", "--tla2tools", pinnedJar());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("tlc:      " + PINNED_VERSION + " (pinned: " + pinnedJar() + ")"), r.out());
        assertTrue(r.out().contains("CPU A") && r.out().contains("SwapinCheckMapcount"), r.out());
    }

    private static Path zip(Path file, Map<String, byte[]> entries) throws IOException {
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
            for (var e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return file;
    }

    @Test
    void badJarsAreBadInput(@TempDir Path dir) throws IOException {
        String missing = dir.resolve("missing.jar").toString();
        String text = Files.writeString(dir.resolve("notes.jar"), "not a jar\n").toString();
        String noTlc = zip(dir.resolve("other.jar"), Map.of("a/B.txt", "b".getBytes(StandardCharsets.UTF_8))).toString();
        for (String cmd : new String[] {"check", "show"}) {
            String model = cmd.equals("check") ? "swapin-2009-fixed" : "swapin-2009-prefix";
            assertBadInput(run(cmd, model, "--tla2tools", missing), "--tla2tools " + missing + ": no such file");
            assertBadInput(run(cmd, model, "--tla2tools", text), "--tla2tools " + text + ": not a jar file");
            assertBadInput(run(cmd, model, "--tla2tools", noTlc), "not a TLA+ tools jar (no tlc2/TLC.class inside)");
            assertBadInput(run(cmd, model, "--tla2tools", dir.toString()), "not a file");
            assertBadInput(run(cmd, model, "--tla2tools"), "--tla2tools");
        }
    }

    @Test
    void aJarWhoseTlcDoesNotStartIsBadInput(@TempDir Path dir) throws IOException {
        // A class file header (Java 8) and nothing else: the forked JVM cannot load tlc2.TLC.
        byte[] broken = {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 0, 0, 0, 52, 0};
        String jar = zip(dir.resolve("tla2tools.jar"), Map.of("tlc2/TLC.class", broken)).toString();
        assertBadInput(run("check", "swapin-2009-fixed", "--tla2tools", jar), "TLC did not start from this jar");
    }

    /**
     * A stand-in for a newer TLC: prints what upstream's tlc2.output.MP prints for a model that holds, with a
     * CalVer-like version line and other figures than TLC 2.18's; needs the flags the runner passes to a TLC whose
     * jar names them, and leaves a trace-exploration spec beside the module as a newer TLC does without them. For
     * SwapinCharge2009 it reports the expected violation with a counterexample that is no behaviour of the spec.
     */
    private static final String FAKE_TLC = """
            package tlc2;

            import java.nio.file.Files;
            import java.nio.file.Path;
            import java.util.List;

            public class TLC {
                static void msg(int code, int severity, String text) {
                    System.out.println("@!@!@STARTMSG " + code + ":" + severity + " @!@!@\\n" + text + "\\n@!@!@ENDMSG " + code + " @!@!@");
                }

                public static void main(String[] args) throws Exception {
                    List<String> a = List.of(args);
                    msg(2262, 0, "TLC2 Version 2099.01.01 of 1 January 2099 (rev: fake)");
                    int te = a.indexOf("-teSpecOutDir");
                    if (!a.contains("-noGenerateSpecTE") || te < 0 || !a.get(te + 1).startsWith(a.get(a.indexOf("-metadir") + 1))) {
                        msg(1000, 1, "fake TLC: expected -noGenerateSpecTE and -teSpecOutDir under the metadir, got " + a);
                        System.exit(255);
                    }
                    String module = args[args.length - 1];
                    if (module.equals("SwapinCharge2009")) { // a violation whose trace TLC 2.18 cannot replay
                        msg(2110, 1, "Invariant Accounting is violated.");
                        msg(2121, 1, "The behavior up to this point is:");
                        msg(2217, 4, "1: <Init line 1, col 1 to line 1, col 9 of module SwapinCharge2009>\\n/\\\\ nonsense = 0\\n");
                        msg(2199, 0, "2 states generated, 2 distinct states found, 1 states left on queue.");
                        System.exit(12);
                    }
                    Files.writeString(Path.of(module + "_TTrace_1700000000.tla"), "stray\\n");
                    msg(2193, 0, "Model checking completed. No error has been found.\\n  Estimates of the probability that TLC did not check all reachable states\\n  because two distinct states had the same fingerprint:\\n  calculated (optimistic):  val = 1.1E-18");
                    msg(2199, 0, "1,234 states generated, 1,000 distinct states found, 0 states left on queue.");
                    msg(2194, 0, "The depth of the complete state graph search is 12.");
                    msg(2186, 0, "Finished in 5ms at (2099-01-01 00:00:00)");
                    System.exit(0);
                }
            }
            """;

    @TempDir
    static Path shared;
    private static Path fakeJar;

    /** The stand-in's jar, compiled once for the class. */
    private static synchronized Path fakeNewerTlcJar() throws IOException {
        if (fakeJar == null) fakeJar = compileFakeNewerTlcJar(shared);
        return fakeJar;
    }

    private static Path compileFakeNewerTlcJar(Path dir) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assumeTrue(javac != null, "needs a JDK to compile the stand-in TLC");
        Path src = Files.createDirectories(dir.resolve("src/tlc2"));
        Files.writeString(src.resolve("TLC.java"), FAKE_TLC);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        assertEquals(0, javac.run(null, null, null, "-d", classes.toString(), src.resolve("TLC.java").toString()));
        return zip(dir.resolve("tla2tools.jar"), Map.of("tlc2/TLC.class", Files.readAllBytes(classes.resolve("tlc2/TLC.class"))));
    }

    private static TreeSet<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(TreeSet::new, TreeSet::add, TreeSet::addAll);
        }
    }

    @Test
    void aNewerTlcsFiguresAreReportedNotCounted(@TempDir Path root) throws IOException {
        String jar = fakeNewerTlcJar().toString();
        // A project of one model that holds, with TLC 2.18's figures recorded (4 distinct states, depth 4).
        Path spec = Files.createDirectories(root.resolve("spec"));
        Files.writeString(spec.resolve("Up.tla"), "---- MODULE Up ----\nEXTENDS Naturals\nVARIABLE x\n"
                + "Init == x = 0\nNext == x < 3 /\\ x' = x + 1\nSmall == x < 4\n====\n");
        Files.writeString(spec.resolve("Up.cfg"), "INIT Init\nNEXT Next\nINVARIANT Small\nCHECK_DEADLOCK FALSE\n");
        Files.writeString(spec.resolve("catalogue"), "up | Up | Up.cfg | holds | 4 | 4 | ci | - | counts to 3\n");
        TreeSet<String> before = listing(spec);
        String saved = System.getProperty("memcgspec.root");
        System.setProperty("memcgspec.root", root.toString());
        try {
            Run r = run("check", "up", "--tla2tools", jar);
            assertEquals(0, r.code(), r.out() + r.err());
            String o = r.out();
            assertTrue(o.startsWith("TLC: TLC2 Version 2099.01.01 of 1 January 2099 (rev: fake) (from --tla2tools: " + jar + ")\n"), o);
            assertTrue(o.lines().anyMatch(l -> l.startsWith("up ") && l.contains(" yes ")
                    && l.contains(" 1000 (expected 4)  12 (expected 4) ")), "the row says ok and shows both figures: " + o);
            assertTrue(o.contains("figures differ from spec/catalogue: up: distinct states 1000 (catalogue: 4), depth 12 (catalogue: 4)"), o);
            assertTrue(o.contains("records the figures of TLC 2.18") && o.contains("not counted as a failure"), o);
            assertTrue(o.contains("all 1 outcomes as expected"), o);
            assertEquals(before, listing(spec), "the stray trace-exploration spec is gone, nothing else appeared");

            Run j = run("check", "up", "--tla2tools", jar, "--json");
            assertEquals(0, j.code(), j.out() + j.err());
            for (String key : new String[] {"\"ok\": true", "\"distinctStates\": 1000", "\"statesGenerated\": 1234",
                    "\"expectedDistinctStates\": 4", "\"depth\": 12", "\"figuresAsExpected\": false",
                    "\"version\": \"TLC2 Version 2099.01.01 of 1 January 2099 (rev: fake)\"", "\"source\": \"--tla2tools\"",
                    "\"jar\": \"" + jar + "\"", "\"figuresCounted\": false"}) {
                assertTrue(j.out().contains(key), "missing " + key + " in " + j.out());
            }
            Matcher tlc = Pattern.compile("\"tlc\": \\{[^}]*\\}\\s*}\\s*$").matcher(j.out());
            assertTrue(tlc.find(), "tlc is the last top-level field: " + j.out());
            assertFalse(j.out().contains("Exception"), j.out());
        } finally {
            if (saved == null) System.clearProperty("memcgspec.root");
            else System.setProperty("memcgspec.root", saved);
        }
    }

    @Test
    void showSaysWhenThePinnedEvaluatorCannotReplayAnotherTlcsCounterexample() throws IOException {
        Run r = run("show", "swapin-2009-prefix", "--tla2tools", fakeNewerTlcJar().toString());
        assertEquals(1, r.code(), r.out() + r.err());
        String o = r.out();
        assertTrue(o.contains("tlc:      TLC2 Version 2099.01.01 of 1 January 2099 (rev: fake) (from --tla2tools: "), o);
        assertTrue(o.contains("outcome: violates Accounting   (as expected)"), o);
        assertTrue(o.contains("counterexample: TLC printed one, but the pinned TLC 2.18 evaluator that labels its steps "
                + "cannot replay it: state 1 is not an initial state of model"), o);
        assertEquals("", r.err());
    }
}
