package memcgspec.tla;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The vacuity annotations of a TLC configuration file: comment lines that tell the vacuity gate
 * ({@link VacuityGate}) what a model deliberately leaves out and which antecedents it must reach.
 * TLC reads them as comments. spec/README.md ("Vacuity gates") is the user's documentation.
 *
 * <pre>
 * \* vacuity: unused-action DeleteFromCache -- the page cache is covered by Charge.cfg
 * \* vacuity: window NoLeakAtQuiescence Quiescent 10
 * \* vacuity: window NoLeakAtQuiescence Quiescent 10 -- an optional note
 * </pre>
 *
 * <ul>
 *   <li>{@code unused-action A -- reason}: action {@code A} of Next never fires in this model, on
 *       purpose; the reason (after {@code --}) is required.</li>
 *   <li>{@code window P Op N}: the antecedent of property {@code P} (an INVARIANT or PROPERTY of the
 *       model) is the zero-arity operator {@code Op} of the spec, which must hold in at least {@code N}
 *       distinct reachable states; {@code N} is at least {@link #MIN_WINDOW_STATES}.</li>
 * </ul>
 *
 * An annotation takes a whole line starting with {@code \*}; any {@code \*} comment whose text starts with
 * the word {@code vacuity} is taken for one, so a misspelt annotation is rejected rather than ignored, and
 * so is an annotation trailing a TLC statement. Block comments {@code (* ... *)} are never annotations.
 * Parsing checks the syntax only; whether the names exist in the model is the gate's business.
 */
public record VacuityAnnotations(String source, List<UnusedAction> unusedActions, List<Window> windows) {

    /** The smallest threshold a window may have: fewer states mean nothing (spec/README.md). */
    public static final int MIN_WINDOW_STATES = 10;

    /** {@code unused-action}: an action of Next that never fires in the model, and why. */
    public record UnusedAction(String action, String reason, int line) {}

    /** {@code window}: property {@code property}'s antecedent {@code operator} holds in at least {@code minStates} states. */
    public record Window(String property, String operator, int minStates, int line) {}

    private static final String IDENT = "[A-Za-z0-9_]*[A-Za-z][A-Za-z0-9_]*";
    /** A whole-line {@code \*} comment whose text starts with the word vacuity. */
    private static final Pattern CANDIDATE = Pattern.compile("^\\s*\\\\\\*\\s*vacuity\\b(.*)$");
    /** {@code \* vacuity} anywhere on a line: trailing a statement it is rejected, not ignored. */
    private static final Pattern ANYWHERE = Pattern.compile("\\\\\\*\\s*vacuity\\b");
    private static final Pattern UNUSED = Pattern.compile("unused-action\\s+(" + IDENT + ")\\s+--(.*)");
    private static final Pattern WINDOW = Pattern.compile("window\\s+(" + IDENT + ")\\s+(" + IDENT + ")\\s+([0-9]+)\\s*(?:--.*)?");

    public VacuityAnnotations {
        Objects.requireNonNull(source);
        unusedActions = List.copyOf(unusedActions);
        windows = List.copyOf(windows);
    }

    /**
     * Reads the annotations of a configuration file.
     *
     * @throws UserError when the file cannot be read or an annotation is malformed (with file and line)
     */
    public static VacuityAnnotations read(Path cfg) {
        List<String> lines;
        try {
            lines = Files.readAllLines(cfg, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UserError("configuration file not found: " + cfg);
        } catch (IOException e) {
            throw new UserError("cannot read " + cfg + ": " + e.getMessage(), e);
        }
        return parse(cfg.toString(), lines);
    }

    /**
     * Parses the annotations among a configuration file's lines; {@code source} names the file in messages.
     *
     * @throws UserError for a malformed annotation: {@code <source>:<line>: malformed vacuity annotation: <why>}
     */
    public static VacuityAnnotations parse(String source, List<String> lines) {
        List<UnusedAction> unused = new ArrayList<>();
        List<Window> windows = new ArrayList<>();
        Map<String, Integer> actionLine = new HashMap<>();
        Map<String, Integer> windowLine = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String line = lines.get(i);
            Matcher c = CANDIDATE.matcher(line);
            if (!c.matches()) {
                if (ANYWHERE.matcher(line).find())
                    throw bad(source, lineNo, "an annotation takes a whole line starting with \\*");
                continue;
            }
            String rest = c.group(1).strip();
            if (!rest.startsWith(":"))
                throw bad(source, lineNo, "expected 'vacuity:' followed by unused-action or window");
            String body = rest.substring(1).strip();
            Matcher u = UNUSED.matcher(body);
            Matcher w = WINDOW.matcher(body);
            if (u.matches()) {
                String action = u.group(1);
                String reason = u.group(2).strip();
                if (reason.isEmpty()) throw bad(source, lineNo, "unused-action " + action + " needs a reason after '--'");
                Integer first = actionLine.putIfAbsent(action, lineNo);
                if (first != null) throw bad(source, lineNo, "unused-action " + action + " repeats line " + first);
                unused.add(new UnusedAction(action, reason, lineNo));
            } else if (w.matches()) {
                String property = w.group(1), operator = w.group(2);
                int min = threshold(w.group(3), source, lineNo);
                Integer first = windowLine.putIfAbsent(property + " " + operator, lineNo);
                if (first != null) throw bad(source, lineNo, "window " + property + " " + operator + " repeats line " + first);
                windows.add(new Window(property, operator, min, lineNo));
            } else if (body.startsWith("unused-action")) {
                throw bad(source, lineNo, "expected 'unused-action <Action> -- <reason>', found '" + body + "'");
            } else if (body.startsWith("window")) {
                throw bad(source, lineNo, "expected 'window <Property> <Operator> <min states>', found '" + body + "'");
            } else {
                String kind = body.isEmpty() ? "nothing" : "'" + body.split("\\s+", 2)[0] + "'";
                throw bad(source, lineNo, "unknown annotation " + kind + " (expected unused-action or window)");
            }
        }
        return new VacuityAnnotations(source, unused, windows);
    }

    private static int threshold(String digits, String source, int lineNo) {
        int n;
        try {
            n = Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw bad(source, lineNo, "window threshold " + digits + " is too large");
        }
        if (n < MIN_WINDOW_STATES)
            throw bad(source, lineNo, "window threshold " + n + " is below the floor of " + MIN_WINDOW_STATES
                    + " states (spec/README.md, Vacuity gates)");
        return n;
    }

    private static UserError bad(String source, int lineNo, String why) {
        return new UserError(source + ":" + lineNo + ": malformed vacuity annotation: " + why);
    }

    /** {@code <source>:<line>}, for messages. */
    public String at(int line) {
        return source + ":" + line;
    }

    public boolean isEmpty() {
        return unusedActions.isEmpty() && windows.isEmpty();
    }
}
