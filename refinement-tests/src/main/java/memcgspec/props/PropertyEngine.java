package memcgspec.props;

import java.util.LinkedHashMap;
import memcgspec.trace.ActionLabel;
import memcgspec.trace.V;
import memcgspec.trace.SwimLanes;
import memcgspec.trace.Trace;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import memcgspec.impl.StepRefused;

/**
 * The stateful property engine: {@code tries} runs of {@code depth} random steps of a {@link Model},
 * every invariant checked after every step and again after draining the system to quiescence; a
 * refused step must change nothing. On a failure the step sequence is shrunk (delta debugging over
 * replays from a fresh system) and reported, with the seed, as a swim-lane trace.
 *
 * <p>Seeds: one master seed per call, printed at the start ({@code props: seed=... tries=...
 * depth=...}); run k uses the k-th long of a {@link SplittableRandom} seeded with it. Setting the
 * system property {@code props.seed} replays a master seed.
 */
public final class PropertyEngine {
    private PropertyEngine() {}

    /** Upper bound on the steps of one drain (a drain that does not end is a failure). */
    static final int MAX_DRAIN = 1_000_000;
    /** Upper bound on replays while shrinking. */
    static final int MAX_REPLAYS = 20_000;

    /**
     * How much to run.
     *
     * @param tries number of runs, each from a fresh system
     * @param depth random steps per run
     * @param seed the master seed
     * @param drain whether each run ends with the model's drain and the quiescence checks
     * @param checking how the invariants and the refusals are checked after each step
     */
    public record Settings(int tries, int depth, long seed, boolean drain, Checking checking) {
        public Settings {
            if (tries < 1 || depth < 0) throw new IllegalArgumentException("tries >= 1, depth >= 0: " + tries + ", " + depth);
            java.util.Objects.requireNonNull(checking);
        }

        /** Checking {@link Checking#INCREMENTAL}, or as the system property props.check says. */
        public Settings(int tries, int depth, long seed, boolean drain) {
            this(tries, depth, seed, drain, checkingProp());
        }

        /**
         * From the system properties props.tries, props.depth (given defaults when unset, e.g. in
         * an IDE), props.seed (a fresh seed when unset) and props.check (incremental when unset).
         */
        public static Settings fromSystemProperties(int defaultTries, int defaultDepth) {
            return new Settings(intProp("props.tries", defaultTries), intProp("props.depth", defaultDepth), seedProp(), true);
        }

        public Settings withTries(int t) {
            return new Settings(t, depth, seed, drain, checking);
        }

        public Settings withDepth(int d) {
            return new Settings(tries, d, seed, drain, checking);
        }

        public Settings withSeed(long s) {
            return new Settings(tries, depth, s, drain, checking);
        }

        public Settings withChecking(Checking c) {
            return new Settings(tries, depth, seed, drain, c);
        }
    }

    /**
     * How a run checks each step ({@link Workload#checks}). Every mode checks every invariant of
     * the whole state in the initial state, after the last random step of each try and at
     * quiescence, and replays a failure with {@link #FULL} checks to shrink and report it.
     */
    public enum Checking {
        /** Every invariant on every element after every step; whole snapshots around a refused step. */
        FULL,
        /**
         * The workload's incremental checks after each step (for a protocol: the frames the step
         * touched; a change detector around a refused step), exact by construction; when they find a
         * violation, the full checks name it, so the failure reads as in {@link #FULL}.
         */
        INCREMENTAL,
        /** Both after every step; a run fails as soon as they disagree (a test of the incremental checks). */
        BOTH
    }

    /**
     * What a successful call did.
     *
     * @param steps random steps tried (tries x depth)
     * @param refused of those, refused (not enabled)
     * @param drainSteps steps of the drains
     * @param byName steps tried per action name
     * @param ranByName steps that ran (were not refused) per action name, random and drain steps alike
     * @param outcomes counted step outcomes, keyed {@code Name=outcome} (e.g. {@code TryCharge=ENOMEM})
     */
    public record Stats(long seed, int tries, int depth, long steps, long refused, long drainSteps,
            Map<String, Long> byName, Map<String, Long> ranByName, Map<String, Long> outcomes, long nanos) {
        /** How many steps of this action ran (were enabled), random and drain steps alike. */
        public long ran(String action) {
            return ranByName.getOrDefault(action, 0L);
        }

        public long outcome(String key) {
            return outcomes.getOrDefault(key, 0L);
        }

        public double stepsPerSecond() {
            return (steps + drainSteps) / (nanos / 1e9);
        }

        public String summary() {
            return String.format("props: seed=%d tries=%d depth=%d: %d steps (%d refused) + %d drain steps in %.2f s, %.0f steps/s, outcomes %s",
                    seed, tries, depth, steps, refused, drainSteps, nanos / 1e9, stepsPerSecond(), outcomes);
        }
    }

    /** Runs the model; returns statistics, or throws an {@link AssertionError} describing the shrunk failure. */
    public static <S> Stats run(String name, Workload<S> model, Settings settings) {
        System.out.println("props: seed=" + settings.seed() + " tries=" + settings.tries() + " depth=" + settings.depth() + " (" + name + ")");
        long t0 = System.nanoTime();
        SplittableRandom seeds = new SplittableRandom(settings.seed());
        long steps = 0, refused = 0, drainSteps = 0;
        // Counted in hash maps during the run (a merge per step), sorted once at the end.
        Map<String, Long> byName = new java.util.HashMap<>();
        Map<String, Long> ran = new java.util.HashMap<>();
        Map<String, Long> outcomes = new java.util.HashMap<>();
        for (int run = 0; run < settings.tries(); run++) {
            long runSeed = seeds.nextLong();
            Random random = new Random(runSeed);
            S s = model.create();
            Workload.Checks checks = checks(model, s, settings.checking());
            List<Call<S>> seq = new ArrayList<>();
            List<String> v = checks.full();
            if (!v.isEmpty()) throw fail(name, model, settings, run, runSeed, seq, v, "in the initial state");
            for (int k = 0; k < settings.depth(); k++) {
                Call<S> step = model.randomStep(s, random);
                seq.add(step);
                Exec r = exec(checks, s, step);
                steps++;
                byName.merge(step.name(), 1L, Long::sum);
                if (r.refused) refused++;
                else ran.merge(step.name(), 1L, Long::sum);
                if (r.outcome != null) outcomes.merge(step.name() + "=" + r.outcome, 1L, Long::sum);
                if (!r.violations.isEmpty()) throw fail(name, model, settings, run, runSeed, seq, r.violations, "after step " + (k + 1));
            }
            v = checks.full();
            if (!v.isEmpty()) throw fail(name, model, settings, run, runSeed, seq, v, "after step " + settings.depth());
            if (settings.drain()) {
                Drain d = drain(model, checks, s, null, ran);
                drainSteps += d.steps;
                if (!d.violations.isEmpty()) throw fail(name, model, settings, run, runSeed, seq, d.violations, "in the drain");
            }
        }
        return new Stats(settings.seed(), settings.tries(), settings.depth(), steps, refused, drainSteps, new TreeMap<>(byName),
                new TreeMap<>(ran), new TreeMap<>(outcomes), System.nanoTime() - t0);
    }

    // ------------------------------------------------------------------------------------------
    // Executing steps
    // ------------------------------------------------------------------------------------------

    private record Exec(boolean refused, Object outcome, List<String> violations) {}

    /** The run's checks of s: the workload's, full, incremental, or both compared ({@link Checking#BOTH}). */
    static <S> Workload.Checks checks(Workload<S> model, S s, Checking checking) {
        return switch (checking) {
            case FULL -> model.checks(s, false);
            case INCREMENTAL -> {
                Workload.Checks inc = model.checks(s, true);
                yield new Workload.Checks() {
                    @Override
                    public Object before() {
                        return inc.before();
                    }

                    @Override
                    public boolean unchanged(Object before) {
                        return inc.unchanged(before);
                    }

                    @Override
                    public List<String> afterStep() {
                        List<String> v = inc.afterStep();
                        // A violation is reported by the full checks: every message, as FULL has them.
                        return v.isEmpty() ? v : inc.full();
                    }

                    @Override
                    public List<String> full() {
                        return inc.full();
                    }
                };
            }
            case BOTH -> new Both(model.checks(s, true), model.checks(s, false));
        };
    }

    /** The incremental and the full checks side by side: any disagreement is an error of the incremental ones. */
    private static final class Both implements Workload.Checks {
        private final Workload.Checks inc, whole;

        Both(Workload.Checks inc, Workload.Checks whole) {
            this.inc = inc;
            this.whole = whole;
        }

        @Override
        public Object before() {
            return new Object[] {inc.before(), whole.before()};
        }

        @Override
        public boolean unchanged(Object before) {
            Object[] b = (Object[]) before;
            boolean i = inc.unchanged(b[0]), f = whole.unchanged(b[1]);
            if (i != f) throw new IllegalStateException("incremental checks disagree: a refusal changed the state? incremental " + !i + ", full " + !f);
            return f;
        }

        @Override
        public List<String> afterStep() {
            List<String> i = inc.afterStep(), f = whole.afterStep();
            if (!i.equals(f)) throw new IllegalStateException("incremental checks disagree after a step: incremental " + i + ", full " + f);
            return f;
        }

        @Override
        public List<String> full() {
            List<String> i = inc.full(), f = whole.full();
            if (!i.equals(f)) throw new IllegalStateException("incremental checks disagree on a whole state: incremental " + i + ", full " + f);
            return f;
        }
    }

    private static <S> Exec exec(Workload.Checks checks, S s, Call<S> step) {
        Object before = checks.before();
        List<String> v = new ArrayList<>();
        boolean refused = false;
        Object outcome = null;
        try {
            outcome = step.apply(s);
        } catch (StepRefused e) {
            refused = true;
            if (!checks.unchanged(before)) {
                v.add("RefusalChangesNothing: " + step.label() + " was refused (" + e.getMessage() + ") but changed the state");
            }
        } catch (VirtualMachineError e) {
            throw e;
        } catch (RuntimeException | Error e) {
            v.add("NoException: " + step.label() + " threw " + e);
        }
        List<String> after = checks.afterStep();
        if (!after.isEmpty()) v.addAll(after);
        return new Exec(refused, outcome, v);
    }

    private record Drain(long steps, List<String> violations) {}

    /** Drains to quiescence; if {@code rows} is not null, records the trace rows. */
    private static <S> Drain drain(Workload<S> model, Workload.Checks checks, S s, List<Trace.Step> rows) {
        return drain(model, checks, s, rows, null);
    }

    /** Drains to quiescence; counts the steps that ran per name into {@code ran} when not null. */
    private static <S> Drain drain(Workload<S> model, Workload.Checks checks, S s, List<Trace.Step> rows, Map<String, Long> ran) {
        long n = 0;
        for (;;) {
            Call<S> step = model.nextDrainStep(s);
            if (step == null) break;
            if (++n > MAX_DRAIN) return new Drain(n, List.of("DrainTerminates: no quiescence after " + MAX_DRAIN + " drain steps"));
            Map<String, String> before = rows == null ? null : model.view(s);
            Exec r = exec(checks, s, step);
            if (ran != null && !r.refused) ran.merge(step.name(), 1L, Long::sum);
            List<String> v = new ArrayList<>(r.violations);
            if (r.refused) v.add(0, "DrainStepsEnabled: drain step " + step.label() + " was refused");
            if (rows != null) rows.add(row(model, s, step, r, before));
            if (!v.isEmpty()) return new Drain(n, v);
        }
        return new Drain(n, model.atQuiescence(s));
    }

    /**
     * A trace row for the shared swim-lane renderer: the step as an action label (lane parameter
     * {@code c} = the CPU, then the other arguments, then {@code => outcome} when the step was
     * refused or returned an outcome), with the model's views before and after it.
     */
    private static <S> Trace.Step row(Workload<S> model, S s, Call<S> step, Exec r, Map<String, String> before) {
        LinkedHashMap<String, Object> params = new LinkedHashMap<>();
        List<String> args = step.args();
        int first = 0;
        if (step.lane() >= 0) {
            String cpu = model.laneName(step.lane());
            params.put("c", V.model(cpu));
            if (!args.isEmpty() && args.get(0).equals(cpu)) first = 1;
        }
        for (int i = first; i < args.size(); i++) params.put("a" + i, value(args.get(i)));
        String result = r.refused ? "refused" : r.outcome != null ? String.valueOf(r.outcome) : null;
        if (result != null) params.put("result", V.model("=> " + result));
        return new Trace.Step(new ActionLabel(step.name(), params), neutral(before), neutral(model.view(s)));
    }

    /** A model's view as neutral values: numbers as integers, anything else as a bare name. */
    static Map<String, Object> neutral(Map<String, String> view) {
        Map<String, Object> m = new LinkedHashMap<>();
        view.forEach((k, v) -> m.put(k, value(v)));
        return m;
    }

    private static Object value(String v) {
        try {
            return Integer.valueOf(v);
        } catch (NumberFormatException notANumber) {
            return V.model(v);
        }
    }

    /**
     * Replays a sequence on a fresh system (refused steps are no-ops), then the drain.
     *
     * @return failedAt -1 if every check holds; else the index of the failing step (0 for the
     *     initial state), or seq.size() for a failure in the drain
     */
    private static <S> Replay replay(Workload<S> model, List<Call<S>> seq, boolean drain, List<Trace.Step> rows) {
        S s = model.create();
        Workload.Checks checks = model.checks(s, false);
        if (rows != null) rows.add(Trace.Step.initial(neutral(model.view(s))));
        List<String> v0 = checks.full();
        if (!v0.isEmpty()) return new Replay(0, v0);
        for (int k = 0; k < seq.size(); k++) {
            Map<String, String> before = rows == null ? null : model.view(s);
            Exec r = exec(checks, s, seq.get(k));
            if (rows != null) rows.add(row(model, s, seq.get(k), r, before));
            if (!r.violations.isEmpty()) return new Replay(k, r.violations);
        }
        if (drain) {
            if (rows != null) {
                Map<String, Object> now = neutral(model.view(s));
                rows.add(new Trace.Step(new ActionLabel("-- drain to quiescence --", new LinkedHashMap<>()), now, now));
            }
            Drain d = drain(model, checks, s, rows);
            if (!d.violations.isEmpty()) return new Replay(seq.size(), d.violations);
        }
        return new Replay(-1, List.of());
    }

    private record Replay(int failedAt, List<String> violations) {
        boolean failed() {
            return failedAt >= 0;
        }
    }

    // ------------------------------------------------------------------------------------------
    // Shrinking
    // ------------------------------------------------------------------------------------------

    /**
     * Delta debugging: cut the sequence after its failing step, then try removing chunks of
     * halving size, down to single steps, until no single removal keeps the failure. A candidate
     * "fails" if its replay violates any check.
     */
    static <S> List<Call<S>> shrink(Workload<S> model, List<Call<S>> seq, boolean drain) {
        int[] replays = {0};
        List<Call<S>> cur = cut(seq, replay(model, seq, drain, null));
        for (int chunk = Math.max(1, cur.size() / 2); ; chunk = Math.max(1, chunk / 2)) {
            boolean removed = false;
            for (int i = 0; i < cur.size() && replays[0] < MAX_REPLAYS; ) {
                List<Call<S>> cand = new ArrayList<>(cur.subList(0, i));
                cand.addAll(cur.subList(Math.min(cur.size(), i + chunk), cur.size()));
                replays[0]++;
                Replay r = replay(model, cand, drain, null);
                if (r.failed()) {
                    cur = cut(cand, r);
                    removed = true;
                } else {
                    i += chunk;
                }
            }
            if (replays[0] >= MAX_REPLAYS || (chunk == 1 && !removed)) return cur;
        }
    }

    private static <S> List<Call<S>> cut(List<Call<S>> seq, Replay r) {
        if (!r.failed()) throw new IllegalStateException("the failing sequence does not fail on replay: a nondeterministic model?");
        return new ArrayList<>(seq.subList(0, Math.min(seq.size(), r.failedAt() + 1)));
    }

    private static <S> AssertionError fail(String name, Workload<S> model, Settings settings, int run, long runSeed,
            List<Call<S>> seq, List<String> violations, String where) {
        boolean drain = settings.drain();
        String shrunkInfo;
        List<Call<S>> shrunk;
        Replay check = replay(model, seq, drain, null);
        if (check.failed()) {
            shrunk = shrink(model, seq, drain);
            shrunkInfo = "";
        } else {
            shrunk = seq;
            shrunkInfo = " (NOT reproducible on replay: nondeterminism; trace unshrunk)";
        }
        List<Trace.Step> rows = new ArrayList<>();
        Replay fin = replay(model, shrunk, drain, rows);
        List<String> finalViolations = fin.failed() ? fin.violations() : violations;
        S fresh = model.create();
        Set<String> names = new LinkedHashSet<>();
        for (String v : violations) names.add(invariantName(v));
        StringBuilder sb = new StringBuilder();
        sb.append("props FAILED (").append(name).append("): ").append(String.join(", ", names)).append(" violated ").append(where)
                .append("\n  seed=").append(settings.seed()).append(" (run ").append(run + 1).append(" of ").append(settings.tries())
                .append(", run seed ").append(runSeed).append("); replay with -Dprops.seed=").append(settings.seed())
                .append("\n  original length ").append(seq.size()).append(" steps, shrunk length ").append(shrunk.size()).append(" steps")
                .append(drain ? " (+ drain)" : "").append(shrunkInfo)
                .append("\n  violations:");
        for (String v : violations) sb.append("\n    ").append(v);
        SwimLanes lanes = SwimLanes.defaults();
        for (int i = 0; i < model.lanes(fresh); i++) lanes = lanes.laneTitle(V.model(model.laneName(i)), model.laneName(i));
        sb.append("\nTRACE (shrunk):\n").append(lanes.render(new Trace(rows)));
        sb.append("violated at the end of the shrunk trace:");
        for (String v : finalViolations) sb.append("\n    ").append(v);
        return new AssertionError(sb.toString());
    }

    /** "Conservation: memcg1 ..." -> "Conservation". */
    static String invariantName(String violation) {
        int i = violation.indexOf(':');
        return i < 0 ? violation : violation.substring(0, i);
    }

    private static int intProp(String key, int def) {
        String v = System.getProperty(key);
        if (v == null || v.isBlank() || v.startsWith("${")) return def;
        return Integer.parseInt(v.trim());
    }

    private static Checking checkingProp() {
        String v = System.getProperty("props.check");
        if (v == null || v.isBlank() || v.startsWith("${")) return Checking.INCREMENTAL;
        return Checking.valueOf(v.trim().toUpperCase(java.util.Locale.ROOT));
    }

    private static long seedProp() {
        String v = System.getProperty("props.seed");
        if (v == null || v.isBlank() || v.startsWith("${")) return new SplittableRandom().nextLong();
        return Long.parseLong(v.trim());
    }
}
