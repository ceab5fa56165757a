package memcgspec.tla;

import memcgspec.trace.V;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import memcgspec.tla.TlcResult.Kind;
import memcgspec.tla.TlcResult.Outcome;
import memcgspec.tla.TlcResult.TraceState;

/** Forks TLC on the toy specs (about a second a run). */
class TlcRunnerTest {
    static Path toy;
    static TlcRunner runner;
    static TreeSet<String> before;

    @BeforeAll
    static void setUp() throws Exception {
        toy = Path.of(TlcRunnerTest.class.getResource("/toy/catalogue").toURI()).getParent();
        runner = new TlcRunner(toy, SpecRoot.targetDir());
        before = listing(toy);
    }

    /** TLC leaves nothing behind: no new file in the spec folder, no states/ anywhere, no metadir. */
    @AfterAll
    static void nothingLeftBehind() throws IOException {
        assertEquals(before, listing(toy), "files appeared in or vanished from the toy spec folder");
        for (Path p : List.of(toy, Path.of("").toAbsolutePath(), SpecRoot.specDir())) {
            assertFalse(Files.exists(p.resolve("states")), "states/ under " + p);
        }
        Path tlc = SpecRoot.targetDir().resolve("tlc");
        if (Files.isDirectory(tlc)) {
            try (Stream<Path> s = Files.list(tlc)) {
                assertEquals(List.of(), s.filter(p -> p.getFileName().toString().startsWith("toy-")).toList(),
                        "metadirs left under " + tlc);
            }
        }
    }

    private static TreeSet<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> dir.relativize(p).toString()).collect(TreeSet::new, TreeSet::add, TreeSet::addAll);
        }
    }

    private static CatalogueEntry model(String name, String spec, String cfg) {
        return new CatalogueEntry(name, spec, cfg, Expectation.ofHolds(), CatalogueEntry.NOT_RECORDED, CatalogueEntry.NOT_RECORDED,
                "ci", "-", "test");
    }

    @Test
    void holdingModel() {
        List<String> progress = new ArrayList<>();
        TlcResult r = runner.run(model("toy-holds", "Counter", "Counter.cfg"), TlcRunner.Options.defaults(), progress::add);
        assertInstanceOf(Outcome.Holds.class, r.outcome(), r.output());
        assertEquals(0, r.exitCode());
        assertEquals(4, r.distinctStates()); // each of p1, p2 idle or charged
        assertEquals(3, r.depth());
        assertTrue(r.statesGenerated() >= r.distinctStates());
        assertTrue(r.seconds() > 0);
        assertEquals(List.of(), r.trace());
        assertTrue(r.matches(Expectation.ofHolds()));
        assertFalse(r.matches(Expectation.violates("TypeOK")));
        assertFalse(r.inputError());
        // TLC prints a final progress report even when the run is shorter than its reporting period.
        assertFalse(progress.isEmpty());
        assertTrue(progress.get(progress.size() - 1).contains("4 distinct states found"), progress.toString());
    }

    @Test
    void violatedInvariantWithTrace() {
        TlcResult r = runner.run(model("toy-violates", "Counter", "Counter_bad.cfg"));
        assertEquals(new Outcome.Violates("AtMostOne", Kind.INVARIANT), r.outcome(), r.output());
        assertEquals("violates AtMostOne", r.outcome().toString());
        assertEquals(12, r.exitCode());
        assertTrue(r.matches(Expectation.violates("AtMostOne")));
        assertFalse(r.matches(Expectation.violates("TypeOK")));
        assertFalse(r.matches(Expectation.ofHolds()));

        List<TraceState> t = r.trace();
        assertEquals(List.of(1, 2, 3), t.stream().map(TraceState::index).toList());
        assertEquals(List.of("Initial predicate", "TryCharge", "TryCharge"), t.stream().map(TraceState::action).toList());
        // TLC prints the variables in its own order (here acct, usage, pc), not the declaration order.
        assertEquals(java.util.Set.of("usage", "pc", "acct"), t.get(0).vars().keySet());
        assertEquals(List.of(0, 1, 2), t.stream().map(s -> s.vars().get("usage")).toList());
        Object idle = V.fcn(Map.of(V.model("p1"), "idle", V.model("p2"), "idle", V.model("p3"), "idle"));
        assertEquals(idle, t.get(0).vars().get("pc"));
        assertEquals(V.record("max", 3, "owners", V.set()), t.get(0).vars().get("acct"));
        // The last state: two processes charged, and they are the owners.
        @SuppressWarnings("unchecked")
        Map<Object, Object> pc = (Map<Object, Object>) t.get(2).vars().get("pc");
        List<Object> charged = pc.entrySet().stream().filter(e -> e.getValue().equals("charged")).map(Map.Entry::getKey).toList();
        assertEquals(2, charged.size());
        assertEquals(V.record("max", 3, "owners", V.set(charged)), t.get(2).vars().get("acct"));
    }

    @Test
    void violatedRefinementPropertyIsNamedAfterTheCfgProperty() {
        TlcResult r = runner.run(model("toy-refine", "Refine", "Refine.cfg"));
        assertEquals(new Outcome.Violates("Refinement", Kind.ACTION_PROPERTY), r.outcome(), r.output());
        assertEquals(13, r.exitCode());
        assertTrue(r.matches(Expectation.violates("Refinement")));
        assertEquals(List.of("Initial predicate", "Inc", "Inc", "Reset"), r.trace().stream().map(TraceState::action).toList());
        assertEquals(List.of(0, 1, 2, 0), r.trace().stream().map(s -> s.vars().get("usage")).toList());
    }

    @Test
    void malformedCfgIsAnInputErrorWithOneLine() {
        TlcResult r = runner.run(model("toy-malformed", "Counter", "Counter_malformed.cfg"));
        Outcome.Error e = assertInstanceOf(Outcome.Error.class, r.outcome(), r.output());
        assertTrue(r.inputError());
        assertEquals("TLC found an error in the configuration file at line 6 It was expecting a keyword, but did not find it.",
                e.message());
        assertFalse(r.matches(Expectation.ofHolds()));
    }

    @Test
    void parseErrorIsAnInputErrorWithOneLine() {
        TlcResult r = runner.run(model("toy-syntax", "Syntax", "Syntax.cfg"));
        Outcome.Error e = assertInstanceOf(Outcome.Error.class, r.outcome(), r.output());
        assertTrue(r.inputError());
        assertTrue(e.message().startsWith("parse error: "), e.message());
        assertTrue(e.message().contains("line 3, column 9") && e.message().endsWith("(module Syntax)"), e.message());
        assertFalse(e.message().contains("\n"));
    }

    @Test
    void moduleInSubFolderFindsModulesOfTheSpecFolder() {
        TlcResult r = runner.run(model("toy-history", "history/Old", "history/Old.cfg"));
        assertInstanceOf(Outcome.Holds.class, r.outcome(), r.output());
        assertEquals(2, r.distinctStates());
    }

    @Test
    void missingFilesAreUserErrorsBeforeForking() {
        UserError e = assertThrows(UserError.class, () -> runner.run(model("toy-nospec", "Nope", "Counter.cfg")));
        assertTrue(e.getMessage().startsWith("model 'toy-nospec': spec file not found: "), e.getMessage());
        e = assertThrows(UserError.class, () -> runner.run(model("toy-nocfg", "Counter", "Nope.cfg")));
        assertTrue(e.getMessage().startsWith("model 'toy-nocfg': cfg file not found: "), e.getMessage());
    }

    @Test
    void timeoutKillsTlc() {
        TlcResult r = runner.run(model("toy-endless", "Endless", "Endless.cfg"),
                TlcRunner.Options.defaults().withTimeout(Duration.ofSeconds(3)), line -> {});
        assertEquals(new Outcome.Error("timed out after 3 s", false), r.outcome());
        assertEquals(-1, r.exitCode());
        assertFalse(r.inputError());
    }

    /**
     * The memo answers a second run of the same inputs with the first run's output (no fork), keeps no
     * failed run, and any change of an input is a new key: a cfg's text, any .tla file under the spec
     * folder (a module the root module does not name included: the key does not try to know which it
     * reads), the worker count.
     */
    @Test
    void memoAnswersTheSameInputsOnceAndEveryChangedInputIsANewRun(@TempDir Path tmp) throws IOException {
        TlcMemo memo = new TlcMemo(tmp.resolve("memo"));
        TlcRunner memoized = runner.withMemo(memo);
        CatalogueEntry holds = model("toy-holds", "Counter", "Counter.cfg");
        TlcResult first = memoized.run(holds);
        TlcResult second = memoized.run(holds);
        assertEquals(1, memo.forks());
        assertEquals(1, memo.hits());
        assertEquals(first, second);

        TlcResult bad = memoized.run(model("toy-violates", "Counter", "Counter_bad.cfg"));
        assertEquals(first, runner.withMemo(memo).run(holds), "another runner on the same memo");
        assertInstanceOf(Outcome.Violates.class, bad.outcome());
        assertEquals(2, memo.forks(), "a violation is a verdict: kept");
        memoized.run(model("toy-syntax", "Syntax", "Syntax.cfg"));
        memoized.run(model("toy-syntax", "Syntax", "Syntax.cfg"));
        assertEquals(2, memo.forks(), "an error is not kept");
        assertEquals(2, memo.hits());

        Path cfg = toy.resolve("Counter.cfg");
        Path jar = TlcRunner.Options.defaults().tools().jar();
        String key = TlcMemo.key(toy, "Counter", cfg, jar, 1);
        assertEquals(key, TlcMemo.key(toy, "Counter", cfg, jar, 1));
        assertFalse(key.equals(TlcMemo.key(toy, "Counter", cfg, jar, 2)), "workers");
        assertFalse(key.equals(TlcMemo.key(toy, "Counter", toy.resolve("Counter_bad.cfg"), jar, 1)), "cfg text");
        Path copy = tmp.resolve("spec");
        try (Stream<Path> s = Files.walk(toy)) {
            for (Path p : s.toList()) {
                Path to = copy.resolve(toy.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(to);
                else Files.copy(p, to);
            }
        }
        String same = TlcMemo.key(copy, "Counter", copy.resolve("Counter.cfg"), jar, 1);
        assertEquals(key, same, "the same files elsewhere: the same key");
        Files.writeString(copy.resolve("Abstract.tla"), "\\* a comment\n", java.nio.file.StandardOpenOption.APPEND);
        assertFalse(same.equals(TlcMemo.key(copy, "Counter", copy.resolve("Counter.cfg"), jar, 1)), "a module's text");
    }
}
