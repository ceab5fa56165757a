package memcgspec.tla;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;

import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import memcgspec.tla.TlcResult.Kind;
import memcgspec.tla.TlcResult.Outcome;
import memcgspec.tla.TlcResult.TraceState;

/**
 * Reads TLC's {@code -tool} output: messages framed by {@code @!@!@STARTMSG code:severity @!@!@} and
 * {@code @!@!@ENDMSG code @!@!@}. Messages nest (e.g. 1000 "unexpected exception" holds 5006 "error in the
 * configuration file"; 2102 holds 2154), and a start marker can follow other text on the same line. Text
 * outside every message (SANY's parse and semantic errors, stderr) is kept as "untagged".
 *
 * <p>Message codes (tlc2.output.EC, TLC 2.18), found by experiment:
 * <pre>
 * 2110 invariant violated          "Invariant Small is violated."
 * 2107 invariant violated by Init  "Invariant X is violated by the initial state:" + the state
 * 2108 property violated by Init
 * 2112 action property violated    "Action property line 7, col 19 to line 7, col 29 of module Abstract is violated."
 *                                  (a refinement PROPERTY: TLC names the [][A]_v formula's location, not the property)
 * 2116 temporal properties violated "Temporal properties were violated." (no name), 2264 counterexample follows
 * 2114 deadlock reached            2121 "The behavior up to this point is:"
 * 2217 trace state "2: &lt;TryCharge line 8, col 17 to line 8, col 93 of module Counter&gt;" + state
 * 2218 "5: Stuttering"             2122 "1: Back to state: &lt;Next line ... of module Lasso&gt;" (lasso)
 * 2200 progress                    2199 final statistics  2194 depth  2193 success  2186 finished
 * 3002 parse or semantic analysis failed (the reason is SANY's untagged text before it)
 * 2222-2243, 2280, 2281 configuration errors (e.g. 2229 "The invariant Nope specified in the configuration
 *      file is not defined"); 1000 + nested 5001-5006: configuration file syntax errors
 * 2102/2103/2154/... evaluation errors while checking
 * 2262 version                     "TLC2 Version 2.18 of 20 March 2023"
 * </pre>
 *
 * <p>Newer TLCs (a user's tla2tools.jar, see {@link TlaTools}) keep these codes, the message framing, the exit
 * codes and the texts this reader matches (upstream tlc2.output.EC and MP), with three changes it allows for: a
 * trace state's header may carry the action's parameter values ("2: &lt;TryCharge(p1,cpuA) line 8, ... of module
 * Counter&gt;"), dropped by {@link #actionName}; message 2116 may name the violated properties ("Temporal property
 * Live was violated."), used when it names one; and state 1 may be headed by the initial predicate's name and
 * place instead of "Initial predicate", so state 1 is always taken as the initial state. Figures are read with
 * any digit grouping ({@link #figure}).
 */
final class TlcOutput {
    static final int INVARIANT_VIOLATED = 2110, INVARIANT_VIOLATED_INITIAL = 2107, PROPERTY_VIOLATED_INITIAL = 2108,
            INVARIANT_VIOLATED_LEVEL = 2146, ACTION_PROPERTY_VIOLATED = 2112, TEMPORAL_PROPERTY_VIOLATED = 2116,
            DEADLOCK = 2114, STATE = 2217, STUTTERING = 2218, BACK_TO_STATE = 2122, PROGRESS = 2200, STATS = 2199,
            DEPTH = 2194, SUCCESS = 2193, PARSING_FAILED = 3002, GENERAL = 1000, NESTED_EXPRESSION = 2103,
            BEHAVIOR_UP_TO = 2121, COUNTER_EXAMPLE = 2264;

    /** Errors in the input (spec text or cfg) rather than results of checking a model. */
    static boolean isInputErrorCode(int code) {
        return code == PARSING_FAILED || code == 2171 || code == 2119 || (code >= 2222 && code <= 2237)
                || (code >= 2241 && code <= 2245) || code == 2280 || code == 2281 || (code >= 5000 && code < 6000)
                || (code >= 3100 && code < 3200) || code == 1101 || code == 1102;
    }

    /** One message: code, severity (0 info, 1 error, 2 TLC bug, 3 warning, 4 state), its own text, nested messages. */
    record Msg(int code, int severity, StringBuilder text, List<Msg> children) {
        String body() {
            return text.toString();
        }
    }

    private static final Pattern MARKER = Pattern.compile("@!@!@(STARTMSG (\\d+):(\\d+)|ENDMSG (\\d+)) @!@!@\\R?");

    final List<Msg> messages = new ArrayList<>();
    final StringBuilder untagged = new StringBuilder();

    TlcOutput(String raw) {
        Deque<Msg> open = new ArrayDeque<>();
        Matcher m = MARKER.matcher(raw);
        int last = 0;
        while (m.find()) {
            append(open, raw.substring(last, m.start()));
            last = m.end();
            if (m.group(2) != null) {
                Msg msg = new Msg(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), new StringBuilder(), new ArrayList<>());
                (open.isEmpty() ? messages : open.peek().children()).add(msg);
                open.push(msg);
            } else if (!open.isEmpty()) {
                open.pop();
            }
        }
        append(open, raw.substring(last));
    }

    private void append(Deque<Msg> open, String text) {
        (open.isEmpty() ? untagged : open.peek().text()).append(text);
    }

    Msg first(int code) {
        return messages.stream().filter(x -> x.code() == code).findFirst().orElse(null);
    }

    Msg lastOf(int code) {
        Msg found = null;
        for (Msg x : messages) if (x.code() == code) found = x;
        return found;
    }

    /**
     * Decides the outcome.
     *
     * @param exitCode      TLC's exit code
     * @param propertyNamer maps the text of a property violation (2112's location, or null for 2116/2108) to the
     *                      name of the cfg PROPERTY it belongs to
     */
    Outcome outcome(int exitCode, Function<String, String> propertyNamer) {
        for (Msg msg : messages) {
            if (msg.severity() != 1 || msg.code() == BEHAVIOR_UP_TO || msg.code() == COUNTER_EXAMPLE) continue;
            String body = msg.body();
            switch (msg.code()) {
                case INVARIANT_VIOLATED, INVARIANT_VIOLATED_INITIAL, INVARIANT_VIOLATED_LEVEL, PROPERTY_VIOLATED_INITIAL -> {
                    Matcher n = Pattern.compile("(?:Invariant|Property) (\\S+) is violated").matcher(body);
                    Kind kind = msg.code() == PROPERTY_VIOLATED_INITIAL ? Kind.TEMPORAL_PROPERTY : Kind.INVARIANT;
                    return new Outcome.Violates(n.find() ? n.group(1) : propertyNamer.apply(null), kind);
                }
                case ACTION_PROPERTY_VIOLATED -> {
                    Matcher n = Pattern.compile("Action property (.*) is violated").matcher(oneLine(body));
                    return new Outcome.Violates(propertyNamer.apply(n.find() ? n.group(1) : null), Kind.ACTION_PROPERTY);
                }
                case TEMPORAL_PROPERTY_VIOLATED -> {
                    // TLC 2.18: "Temporal properties were violated." Newer TLC names them: "Temporal property Live
                    // was violated." (one) or "Temporal properties A and B were violated." (several).
                    Matcher n = Pattern.compile("Temporal property ([A-Za-z0-9_!]+) was violated").matcher(oneLine(body));
                    return new Outcome.Violates(n.find() ? n.group(1) : propertyNamer.apply(null), Kind.TEMPORAL_PROPERTY);
                }
                case DEADLOCK -> {
                    return new Outcome.Deadlock();
                }
                case PARSING_FAILED -> {
                    return new Outcome.Error(sanyReason(), true);
                }
                default -> {
                    return error(msg);
                }
            }
        }
        if (first(SUCCESS) != null && exitCode == 0) return new Outcome.Holds();
        String tail = oneLine(untagged.toString());
        return new Outcome.Error("TLC exited with code " + exitCode + " without a verdict"
                + (tail.isEmpty() ? "" : ": " + clip(tail)), exitCode == 150 || exitCode == 151);
    }

    /** An error message other than a violation: the innermost message's text is the reason. */
    private Outcome error(Msg msg) {
        boolean input = isInputErrorCode(msg.code());
        Msg inner = msg;
        while (!inner.children().isEmpty()) {
            inner = inner.children().get(0);
            input |= isInputErrorCode(inner.code());
        }
        String reason = oneLine(inner.body());
        if (reason.isEmpty()) reason = oneLine(msg.body());
        // An evaluation error: add the innermost source position TLC lists in the message that follows.
        int i = messages.indexOf(msg);
        if (!input && i + 1 < messages.size() && messages.get(i + 1).code() == NESTED_EXPRESSION) {
            List<String> positions = messages.get(i + 1).body().lines()
                    .filter(l -> l.matches("\\d+\\. .*")).toList();
            if (!positions.isEmpty()) reason += " (at " + positions.get(positions.size() - 1).replaceFirst("\\d+\\. ", "") + ")";
        }
        return new Outcome.Error(clip(reason), input);
    }

    /** One line from SANY's untagged output: the parse error, the semantic error, or the missing module. */
    String sanyReason() {
        List<String> lines = untagged.toString().lines().map(String::strip).toList();
        int p = lines.indexOf("***Parse Error***");
        if (p >= 0) {
            StringBuilder b = new StringBuilder("parse error:");
            for (int i = p + 1; i < lines.size() && !lines.get(i).startsWith("Residual stack trace"); i++) {
                if (!lines.get(i).isEmpty()) b.append(' ').append(lines.get(i));
            }
            String module = lines.stream().filter(l -> l.startsWith("Fatal errors while parsing TLA+ spec in file "))
                    .map(l -> l.substring("Fatal errors while parsing TLA+ spec in file ".length())).findFirst().orElse(null);
            return clip(b + (module == null ? "" : " (module " + module + ")"));
        }
        int s = lines.indexOf("Semantic errors:");
        if (s >= 0) {
            // "*** Errors: N", blank, the location, blank, the message
            List<String> rest = lines.subList(s + 1, lines.size()).stream()
                    .filter(l -> !l.isEmpty() && !l.startsWith("*** Errors")).limit(2).toList();
            return clip("semantic error: " + String.join(": ", rest));
        }
        for (String l : lines) {
            if (l.startsWith("Cannot find source file for module")) return clip(l);
        }
        for (String l : lines) {
            if (l.startsWith("File does not exist")) return clip(l);
        }
        return "parsing or semantic analysis failed";
    }

    /** The counterexample, from the state messages (2107 holds the one state that violates an invariant in Init). */
    List<TraceState> trace() {
        List<TraceState> out = new ArrayList<>();
        Pattern header = Pattern.compile("(\\d+): (?:<(.*?)>|(Stuttering)|Back to state: <(.*?)>)\\s*");
        for (Msg msg : messages) {
            if (msg.code() == INVARIANT_VIOLATED_INITIAL || msg.code() == PROPERTY_VIOLATED_INITIAL) {
                String body = msg.body();
                int nl = body.indexOf('\n');
                if (nl >= 0 && !body.substring(nl).isBlank()) {
                    out.add(new TraceState(1, TraceState.INITIAL, TlaValueParser.parseState(body.substring(nl + 1))));
                }
                continue;
            }
            if (msg.code() != STATE && msg.code() != STUTTERING && msg.code() != BACK_TO_STATE) continue;
            String body = msg.body();
            int nl = body.indexOf('\n');
            String first = nl < 0 ? body : body.substring(0, nl);
            String rest = nl < 0 ? "" : body.substring(nl + 1);
            Matcher h = header.matcher(first.strip());
            if (!h.matches()) throw new IllegalArgumentException("unexpected trace state header: " + first);
            int index = Integer.parseInt(h.group(1));
            if (h.group(3) != null) { // stuttering: the previous state again
                out.add(new TraceState(index, TraceState.STUTTERING, previousVars(out)));
            } else if (h.group(4) != null) { // lasso: back to state `index`, by this action
                LinkedHashMap<String, Object> vars = out.stream().filter(t -> t.index() == index).findFirst()
                        .map(t -> new LinkedHashMap<>(t.vars())).orElseGet(LinkedHashMap::new);
                out.add(new TraceState(index, actionName(h.group(4)), vars));
            } else {
                // State 1 is the initial state, whatever TLC calls it ("Initial predicate"; a TLC that knows the
                // initial predicate's name and place may print "<Init line ... of module M>").
                String action = index == 1 ? TraceState.INITIAL : actionName(h.group(2));
                out.add(new TraceState(index, action, TlaValueParser.parseState(rest)));
            }
        }
        return out;
    }

    private static LinkedHashMap<String, Object> previousVars(List<TraceState> trace) {
        return trace.isEmpty() ? new LinkedHashMap<>() : new LinkedHashMap<>(trace.get(trace.size() - 1).vars());
    }

    private static final Pattern WITH_PARAMETERS = Pattern.compile("([A-Za-z0-9_!]+)\\(.*\\)", Pattern.DOTALL);

    /**
     * "TryCharge line 8, col 17 to line 8, col 93 of module Counter" -> "TryCharge"; "Initial predicate" stays. A
     * newer TLC adds the action's parameter values ("TryCharge(p1,cpuA) line 8, ..."): they are dropped too, so
     * that the name is the action's alone whichever TLC printed it.
     */
    static String actionName(String header) {
        String name = header.replaceFirst("\\s+line \\d+, col \\d+ to line \\d+, col \\d+ of module \\S+$", "").strip();
        Matcher p = WITH_PARAMETERS.matcher(name);
        return p.matches() ? p.group(1) : name;
    }

    /** {distinct, generated, depth} from 2199 (or the last 2200 progress report) and 2194; -1 when absent. */
    long[] stats() {
        long distinct = -1, generated = -1, depth = -1;
        Msg st = lastOf(STATS);
        if (st == null) st = lastOf(PROGRESS);
        if (st != null) {
            generated = figure(st.body(), " states generated");
            distinct = figure(st.body(), " distinct states found");
        }
        Msg dm = lastOf(DEPTH);
        if (dm != null) depth = figure(dm.body(), "(?:\\.|$)");
        return new long[] {distinct, generated, depth};
    }

    /**
     * The number before {@code after} (a regex), or -1. TLC groups digits by the JVM's locale ("1,234", "1.234",
     * "1'234", with a no-break space; the runner fixes en-US): the separators are dropped.
     */
    static long figure(String text, String after) {
        Matcher m = Pattern.compile("(\\d(?:[\\d,.'\\u00a0\\u202f]*\\d)?)" + after, Pattern.MULTILINE).matcher(text);
        if (!m.find()) return -1;
        try {
            return Long.parseLong(m.group(1).replaceAll("\\D", ""));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * TLC's version line as it prints it at start (message 2262), e.g. "TLC2 Version 2.18 of 20 March 2023" (also
     * for distributed TLC's server, which says "TLC2 TLC Server Version ..."), or null when the output has none.
     */
    static String versionLine(String raw) {
        // Distributed TLC's server prints "TLC2 TLC Server Version 2.18 of 20 March 2023": the same TLC, named so.
        Matcher m = Pattern.compile("(?m)^TLC2 (?:TLC Server )?(Version[^\\r\\n]*)").matcher(raw);
        return m.find() ? "TLC2 " + m.group(1).strip() : null;
    }

    static String oneLine(String s) {
        return UserError.oneLine(s);
    }

    private static String clip(String s) {
        return s.length() <= 300 ? s : s.substring(0, 297) + "...";
    }

}
