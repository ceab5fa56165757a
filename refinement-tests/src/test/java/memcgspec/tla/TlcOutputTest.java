package memcgspec.tla;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import memcgspec.tla.TlcResult.Kind;
import memcgspec.tla.TlcResult.Outcome;

/** The -tool output reader on canned TLC output (no fork). */
class TlcOutputTest {
    private static String msg(int code, int severity, String text) {
        return "@!@!@STARTMSG " + code + ":" + severity + " @!@!@\n" + text + "\n@!@!@ENDMSG " + code + " @!@!@\n";
    }

    @Test
    void nestedMessageStartingMidLine() {
        String raw = "@!@!@STARTMSG 1000:1 @!@!@\nTLC threw an unexpected exception.\nThe exception was a tlc2.tool.ConfigFileException\n"
                + ": @!@!@STARTMSG 5006:0 @!@!@\nTLC found an error in the configuration file at line 2\nIt was expecting }, but did not find it.\n"
                + "@!@!@ENDMSG 5006 @!@!@\n@!@!@ENDMSG 1000 @!@!@\n" + msg(2186, 0, "Finished in 385ms");
        assertEquals(new Outcome.Error("TLC found an error in the configuration file at line 2 It was expecting }, but did not find it.", true),
                new TlcOutput(raw).outcome(255, loc -> "?"));
    }

    @Test
    void configErrorCodeIsAnInputError() {
        String raw = msg(2229, 1, "The invariant Nope specified in the configuration file\nis not defined in the specification.");
        assertEquals(new Outcome.Error("The invariant Nope specified in the configuration file is not defined in the specification.", true),
                new TlcOutput(raw).outcome(151, loc -> "?"));
    }

    @Test
    void evaluationErrorNamesTheInnermostPosition() {
        String raw = "@!@!@STARTMSG 2102:1 @!@!@\n" + msg(2154, 0, "Attempted to apply the operator\nbut it failed")
                + "While working on the initial state:\nx = 0\n\n@!@!@ENDMSG 2102 @!@!@\n"
                + msg(2103, 1, "The error occurred when TLC was evaluating the nested\nexpressions at the following positions:\n"
                        + "0. Line 4, column 9 to line 4, column 13 in R2\n1. Line 13, column 12 to line 13, column 22 in R2\n");
        assertEquals(new Outcome.Error("Attempted to apply the operator but it failed (at Line 13, column 12 to line 13, column 22 in R2)", false),
                new TlcOutput(raw).outcome(75, loc -> "?"));
    }

    @Test
    void semanticErrorAndMissingModule() {
        String sem = "Semantic errors:\n\n*** Errors: 1\n\nline 3, col 13 to line 3, col 21 of module Sem\n\nUnknown operator: `Undefined'.\n\n\n"
                + msg(3002, 1, "Parsing or semantic analysis failed.");
        assertEquals(new Outcome.Error("semantic error: line 3, col 13 to line 3, col 21 of module Sem: Unknown operator: `Undefined'.", true),
                new TlcOutput(sem).outcome(150, loc -> "?"));
        String missing = "\nFatal errors while parsing TLA+ spec in file Nope\n\nUnknown location\n\nCannot find source file for module Nope.\n\n"
                + msg(3002, 1, "Parsing or semantic analysis failed.");
        assertEquals(new Outcome.Error("Cannot find source file for module Nope.", true), new TlcOutput(missing).outcome(150, loc -> "?"));
    }

    @Test
    void lassoAndStuttering() {
        String raw = msg(2116, 1, "Temporal properties were violated.\n") + msg(2264, 1, "The following behavior constitutes a counter-example:\n")
                + msg(2217, 4, "1: <Initial predicate>\nx = 0\n") + msg(2217, 4, "2: <Next line 5, col 9 to line 5, col 24 of module Lasso>\nx = 1\n")
                + msg(2122, 4, "1: Back to state: <Next line 5, col 9 to line 5, col 24 of module Lasso>\n")
                + msg(2218, 4, "3: Stuttering");
        TlcOutput out = new TlcOutput(raw);
        assertEquals(new Outcome.Violates("Live", Kind.TEMPORAL_PROPERTY), out.outcome(13, loc -> "Live"));
        var trace = out.trace();
        assertEquals(List.of("Initial predicate", "Next", "Next", "Stuttering"), trace.stream().map(TlcResult.TraceState::action).toList());
        assertEquals(List.of(1, 2, 1, 3), trace.stream().map(TlcResult.TraceState::index).toList());
        assertEquals(List.of(0, 1, 0, 0), trace.stream().map(s -> s.vars().get("x")).toList());
    }

    @Test
    void invariantViolatedByTheInitialState() {
        TlcOutput out = new TlcOutput(msg(2107, 1, "Invariant Init0 is violated by the initial state:\nx = 0\n"));
        assertEquals(new Outcome.Violates("Init0", Kind.INVARIANT), out.outcome(12, loc -> "?"));
        assertEquals(1, out.trace().size());
        assertEquals(0, out.trace().get(0).vars().get("x"));
    }

    @Test
    void propertyNamesFromTheCfg(@TempDir Path dir) throws IOException {
        assertEquals(List.of("A", "B", "C"), TlcRunner.cfgProperties(
                "\\* PROPERTY Commented\nSPECIFICATION Spec\nPROPERTY A\n  B\n(* PROPERTY D *)\nPROPERTIES C\nINVARIANT TypeOK\n"));
        Path cfg = Files.writeString(dir.resolve("M.cfg"), "SPECIFICATION Spec\nPROPERTIES Safe Refines\n");
        Path tla = Files.writeString(dir.resolve("M.tla"), "---- MODULE M ----\nVARIABLE x\nSafe == [][x' >= x]_x\nRefines ==\n  [][x' = x + 1]_x\n====\n");
        assertEquals("Refines", TlcRunner.propertyName("line 5, col 3 to line 5, col 17 of module M", cfg, tla, "M"));
        assertEquals("Safe", TlcRunner.propertyName("line 3, col 9 to line 3, col 20 of module M", cfg, tla, "M"));
        assertEquals("property at line 7, col 1 to line 7, col 5 of module Other",
                TlcRunner.propertyName("line 7, col 1 to line 7, col 5 of module Other", cfg, tla, "M"));
        assertEquals("one of Safe, Refines", TlcRunner.propertyName(null, cfg, tla, "M"));
    }
    // A newer TLC (tlaplus/tlaplus after 2.18, as its tlc2.output.MP prints): same codes, framing and exit codes,
    // a few texts changed. See TlcOutput's class comment.

    @Test
    void newerTlcActionHeadersCarryParameters() {
        String raw = msg(2262, 0, "TLC2 Version 2.20 of Day Month 20?? (rev: 1a2b3c4)")
                + msg(2110, 1, "Invariant AtMostOne is violated.") + msg(2121, 1, "The behavior up to this point is:")
                + msg(2217, 4, "1: <Init line 7, col 9 to line 9, col 30 of module Counter>\n/\\ usage = 0\n")
                + msg(2217, 4, "2: <TryCharge(p1) line 11, col 17 to line 13, col 40 of module Counter>\n/\\ usage = 1\n")
                + msg(2217, 4, "3: <Move(p2,[a |-> 1, b |-> {x}],(c :> 2)) line 15, col 5 to line 15, col 60 of module Counter>\n/\\ usage = 2\n")
                + msg(2217, 4, "4: <Step line 17, col 5 to line 17, col 20 of module Counter>\n/\\ usage = 3\n");
        TlcOutput out = new TlcOutput(raw);
        assertEquals(new Outcome.Violates("AtMostOne", Kind.INVARIANT), out.outcome(12, loc -> "?"));
        assertEquals(List.of("Initial predicate", "TryCharge", "Move", "Step"),
                out.trace().stream().map(TlcResult.TraceState::action).toList());
        assertEquals(List.of(0, 1, 2, 3), out.trace().stream().map(t -> t.vars().get("usage")).toList());
        assertEquals("TLC2 Version 2.20 of Day Month 20?? (rev: 1a2b3c4)", TlcOutput.versionLine(raw));
        assertEquals("C!TryCharge", TlcOutput.actionName("C!TryCharge(p1, cpuA) line 3, col 1 to line 4, col 2 of module Swap"));
        assertEquals("Initial predicate", TlcOutput.actionName("Initial predicate"));
    }

    @Test
    void newerTlcNamesTheViolatedTemporalProperty() {
        String one = msg(2116, 1, "Temporal property Live was violated.\n") + msg(2264, 1, "The following behavior constitutes a counter-example:\n");
        assertEquals(new Outcome.Violates("Live", Kind.TEMPORAL_PROPERTY), new TlcOutput(one).outcome(13, loc -> "from the cfg"));
        // Several: the cfg decides, as with TLC 2.18's nameless message.
        String two = msg(2116, 1, "Temporal properties Live and Fair were violated.\n");
        assertEquals(new Outcome.Violates("from the cfg", Kind.TEMPORAL_PROPERTY), new TlcOutput(two).outcome(13, loc -> "from the cfg"));
        String old = msg(2116, 1, "Temporal properties were violated.\n");
        assertEquals(new Outcome.Violates("from the cfg", Kind.TEMPORAL_PROPERTY), new TlcOutput(old).outcome(13, loc -> "from the cfg"));
    }

    @Test
    void figuresWithAnyDigitGrouping() {
        for (String[] g : new String[][] {{"1,234,567", "12,345"}, {"1.234.567", "12.345"}, {"1'234'567", "12'345"},
                {"1\u00a0234\u00a0567", "12\u202f345"}, {"1234567", "12345"}}) {
            String raw = msg(2193, 0, "Model checking completed. No error has been found.")
                    + msg(2199, 0, g[0] + " states generated, " + g[1] + " distinct states found, 0 states left on queue.")
                    + msg(2194, 0, "The depth of the complete state graph search is " + g[1] + ".");
            assertEquals(List.of(12345L, 1234567L, 12345L), java.util.Arrays.stream(new TlcOutput(raw).stats()).boxed().toList(), g[0]);
        }
        // A progress report stands in when the final statistics are missing; its date is not a figure.
        String progress = msg(2200, 0, "Progress(3) at 2026-11-30 08:23:11: 9 states generated (712 s/min), "
                + "4 distinct states found (316 ds/min), 0 states left on queue.");
        assertEquals(List.of(4L, 9L, -1L), java.util.Arrays.stream(new TlcOutput(progress).stats()).boxed().toList());
        assertEquals(null, TlcOutput.versionLine(progress));
    }
}
