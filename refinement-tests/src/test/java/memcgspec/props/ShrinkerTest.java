package memcgspec.props;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import memcgspec.impl.Folio;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.charge.ChargeSteps;
import memcgspec.protocol.Machine;
import memcgspec.protocol.ProtocolWorkload;
import memcgspec.protocol.charge.ChargeProtocol;
import org.junit.jupiter.api.Test;

/**
 * The engine catches deliberately broken implementations (test doubles built from
 * the charge protocol's workload by replacing one step's action), shrinks the failure to a handful of steps,
 * names the invariant and the seed, and replays deterministically from the seed.
 */
class ShrinkerTest {

    /** The charge workload whose steps of one name (random and drain steps alike) do something else. */
    static final class Broken extends ProtocolWorkload {
        private final String stepName;
        private final java.util.function.Function<Call<Machine>, Call.Action<Machine>> breaker;

        Broken(String stepName, java.util.function.Function<Call<Machine>, Call.Action<Machine>> breaker) {
            super(ChargeProtocol.PROTOCOL, ChargeProtocol.TIGHT);
            this.stepName = stepName;
            this.breaker = breaker;
        }

        private Call<Machine> rewrite(Call<Machine> s) {
            return s == null || !s.name().equals(stepName) ? s : s.withAction(breaker.apply(s));
        }

        @Override
        public Call<Machine> randomStep(Machine mm, Random r) {
            return rewrite(super.randomStep(mm, r));
        }

        @Override
        public Call<Machine> nextDrainStep(Machine mm) {
            return rewrite(super.nextDrainStep(mm));
        }
    }

    private static int cpuOf(Call<Machine> s) {
        return Integer.parseInt(s.args().get(0).substring(1)) - 1;
    }

    /** Uncharge that forgets the counters when the owner is a non-leaf memcg (it has children). */
    static Broken forgetsNonLeafUncharge() {
        return new Broken("Uncharge", s -> mm -> {
            Folio f = mm.mm().cpu(cpuOf(s)).held();
            MemCgroup owner = f == null ? null : f.memcg();
            s.apply(mm);
            if (owner != null && !owner.children().isEmpty()) owner.memory().charge(1); // undo the uncharge
            return null;
        });
    }

    /** CancelCharge that clears the pending state but leaks the charge. */
    static Broken leakyCancel() {
        return new Broken("CancelCharge", s -> mm -> {
            MemCgroup m = mm.mm().cpu(cpuOf(s)).chargeTo();
            s.apply(mm);
            m.memory().charge(1);
            return null;
        });
    }

    private static final PropertyEngine.Settings SETTINGS = new PropertyEngine.Settings(50, 400, 4242L, true);

    private static int shrunkLength(String msg) {
        Matcher m = Pattern.compile("shrunk length (\\d+) steps").matcher(msg);
        assertTrue(m.find(), msg);
        return Integer.parseInt(m.group(1));
    }

    /** The numbered trace rows (swim lanes) in which the step {@code name} runs. */
    private static long rows(String msg, String name) {
        Pattern row = Pattern.compile("^ *\\d+ .*\\b" + name + "\\b.*$", Pattern.MULTILINE);
        return row.matcher(msg).results().count();
    }

    private static String failure(ProtocolWorkload model, PropertyEngine.Settings s) {
        AssertionError e = assertThrows(AssertionError.class, () -> PropertyEngine.run("broken", model, s));
        System.out.println(e.getMessage());
        return e.getMessage();
    }

    @Test
    void forgottenUnchargeOfANonLeafOwnerIsCaughtAndShrunk() {
        String msg = failure(forgetsNonLeafUncharge(), SETTINGS);
        assertTrue(msg.contains("Conservation"), msg);
        assertTrue(msg.contains("seed=4242"), msg);
        assertTrue(msg.contains("TRACE"), msg);
        // The shortest failure: AllocAnon(c, p, 1|2), TryCharge, CommitCharge; the drain maps,
        // unmaps and uncharges it.
        int n = shrunkLength(msg);
        assertTrue(n <= 6, "shrunk to " + n + " steps:\n" + msg);
        assertTrue(rows(msg, "Uncharge") >= 1, msg);
    }

    @Test
    void leakyCancelChargeIsCaughtAndShrunk() {
        String msg = failure(leakyCancel(), SETTINGS);
        assertTrue(msg.contains("Conservation"), msg);
        assertTrue(msg.contains("seed=4242"), msg);
        int n = shrunkLength(msg);
        assertTrue(n <= 4, "shrunk to " + n + " steps:\n" + msg);
        assertTrue(rows(msg, "CancelCharge") >= 1, msg);
    }

    @Test
    void theSameSeedReproducesTheSameFailure() {
        PropertyEngine.Settings s = SETTINGS.withSeed(77L);
        String a = failure(forgetsNonLeafUncharge(), s);
        String b = failure(forgetsNonLeafUncharge(), s);
        assertEquals(a, b);
        String c = failure(forgetsNonLeafUncharge(), SETTINGS.withSeed(78L));
        assertTrue(c.contains("seed=78"), c);
    }

    @Test
    void theCorrectModelPassesWithTheSameSettings() {
        PropertyEngine.Stats st = PropertyEngine.run("correct", new ProtocolWorkload(ChargeProtocol.PROTOCOL, ChargeProtocol.TIGHT), SETTINGS.withTries(10));
        assertEquals(4000, st.steps());
    }

    /** GetPage that takes a reference and then claims it was refused. */
    static Broken lyingGetPage() {
        return new Broken("GetPage", s -> mm -> {
            mm.mm().folio(Integer.parseInt(s.args().get(1).substring(1)) - 1);
            Folio f = mm.mm().folio(Integer.parseInt(s.args().get(1).substring(1)) - 1);
            if (f.refcount() > 0) {
                ChargeSteps.of(mm.mm().cpu(cpuOf(s))).GetPage(f);
                throw new memcgspec.impl.StepRefused("lying refusal");
            }
            return s.apply(mm);
        });
    }

    @Test
    void aRefusalThatChangesTheStateIsCaught() {
        String msg = failure(lyingGetPage(), SETTINGS);
        assertTrue(msg.contains("RefusalChangesNothing"), msg);
        assertTrue(shrunkLength(msg) <= 5, msg);
    }

    /** A generic model (not Charge): a counter that must stay below 5, with noise steps. */
    static final class Toy implements Workload<int[]> {
        @Override
        public int[] create() {
            return new int[2];
        }

        @Override
        public Call<int[]> randomStep(int[] s, Random r) {
            int w = r.nextInt(10);
            if (w < 4) return Call.of("Inc", 0, x -> { x[0]++; return null; });
            if (w < 6) return Call.of("Dec", 0, x -> {
                if (x[0] == 0) throw new memcgspec.impl.StepRefused("zero");
                x[0]--;
                return null;
            });
            int k = r.nextInt(3);
            return Call.of("Noise", 1, x -> { x[1] += k; return null; }, k);
        }

        @Override
        public List<String> invariants(int[] s) {
            return s[0] < 5 ? List.of() : List.of("Below5: counter is " + s[0]);
        }

        @Override
        public Object snapshot(int[] s) {
            return s.clone();
        }

        @Override
        public int lanes(int[] s) {
            return 2;
        }
    }

    @Test
    void aGenericModelShrinksToTheMinimalSequence() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> PropertyEngine.run("toy", new Toy(), new PropertyEngine.Settings(20, 200, 9L, false)));
        String msg = e.getMessage();
        System.out.println(msg);
        assertTrue(msg.contains("Below5"), msg);
        assertEquals(5, shrunkLength(msg), msg);
        assertEquals(5, rows(msg, "Inc"), "five Inc rows, no noise:\n" + msg);
        assertEquals(0, rows(msg, "Noise") + rows(msg, "Dec"), msg);
    }

    @Test
    void viewsBecomeNeutralValuesForTheSharedRenderer() {
        assertEquals(Map.of("usage[1]", 3, "owner[p3]", memcgspec.trace.V.model("p7")),
                PropertyEngine.neutral(Map.of("usage[1]", "3", "owner[p3]", "p7")));
    }
}
