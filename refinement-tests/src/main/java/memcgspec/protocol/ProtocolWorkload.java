package memcgspec.protocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import memcgspec.impl.Cpu;
import memcgspec.impl.Pc;
import memcgspec.props.Call;
import memcgspec.props.Workload;

/**
 * A protocol and one of its setups as a {@link Workload} of the property engine: random steps of
 * the protocol's actions (drawn by its {@link Protocol.Mix}, the paths' next steps from its parts),
 * the protocol's invariants after every step, and a drain to quiescence. Every call comes from the
 * protocol's {@link ActionTable}.
 */
public class ProtocolWorkload implements Workload<Machine> {
    private final Protocol protocol;
    private final Protocol.Setup setup;
    private final Map<String, ProtocolPart.Move> moves = new LinkedHashMap<>();
    private final List<String> actionNames;
    /** The mix's machine moves and idle moves with their weights, in the mix's order (looked up once, not per step). */
    private final ProtocolPart.Move[] machineMoves, idleMoves;
    private final int[] machineWeights, idleWeights;
    private final int idleTotal;

    public ProtocolWorkload(Protocol protocol, Protocol.Setup setup) {
        this.protocol = protocol;
        this.setup = setup;
        for (ProtocolPart p : protocol.parts()) moves.putAll(p.moves());
        Map<String, Integer> machine = protocol.mix().machine(), idle = protocol.mix().idle();
        machineMoves = machine.keySet().stream().map(this::move).toArray(ProtocolPart.Move[]::new);
        machineWeights = machine.values().stream().mapToInt(Integer::intValue).toArray();
        idleMoves = idle.keySet().stream().map(this::move).toArray(ProtocolPart.Move[]::new);
        idleWeights = idle.values().stream().mapToInt(Integer::intValue).toArray();
        idleTotal = java.util.Arrays.stream(idleWeights).sum();
        actionNames = List.copyOf(protocol.actions().actions().keySet());
    }

    public Protocol protocol() {
        return protocol;
    }

    public Protocol.Setup setup() {
        return setup;
    }

    private ProtocolPart.Move move(String name) {
        ProtocolPart.Move m = moves.get(name);
        if (m == null) throw new IllegalArgumentException("protocol " + protocol.name() + " has no move " + name);
        return m;
    }

    @Override
    public Machine create() {
        return setup.create();
    }

    @Override
    public Call<Machine> randomStep(Machine m, Random r) {
        int c = r.nextInt(m.mm().cpus().size());
        Protocol.Mix mix = protocol.mix();
        int w = r.nextInt(1000);
        if (w < mix.arbitraryPermille()) return arbitrary(m, c, r);
        int acc = mix.arbitraryPermille();
        for (int k = 0; k < machineMoves.length; k++) {
            acc += machineWeights[k];
            if (w < acc) return machineMoves[k].pick(m, c, r);
        }
        Cpu cpu = m.mm().cpu(c);
        if (cpu.pc() == Pc.IDLE) return idle(m, c, r);
        for (ProtocolPart p : protocol.parts()) {
            Call<Machine> v = p.vary(m, cpu, r);
            if (v != null) return v;
        }
        return next(m, cpu, true);
    }

    private Call<Machine> idle(Machine m, int c, Random r) {
        int w = r.nextInt(idleTotal);
        for (int k = 0; k < idleMoves.length; k++) {
            w -= idleWeights[k];
            if (w < 0) return idleMoves[k].pick(m, c, r);
        }
        throw new AssertionError("weights " + protocol.mix().idle());
    }

    private Call<Machine> next(Machine m, Cpu cpu, boolean force) {
        for (ProtocolPart p : protocol.parts()) {
            Call<Machine> n = p.next(m, cpu, force);
            if (n != null) return n;
        }
        if (force) throw new AssertionError("no part of " + protocol.name() + " knows pc " + cpu.pc().spec());
        return null;
    }

    /** Any action of the protocol with any parameters: mostly refused (the refusal must change nothing). */
    private Call<Machine> arbitrary(Machine m, int c, Random r) {
        ActionTable.Action a = protocol.actions().get(actionNames.get(r.nextInt(actionNames.size())));
        int[] ids = new int[a.params().size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = switch (a.params().get(i).kind()) {
                case CPU -> c;
                case PAGE -> r.nextInt(Math.max(1, m.mm().folios().size()));
                case MEMCG -> 1 + r.nextInt(m.mm().memcgs().size() - 1);
                case INDEX -> r.nextInt(Math.max(1, m.mm().cache().size()));
                case SLOT -> r.nextInt(Math.max(1, m.mm().swap().size()));
                case KPAGE -> r.nextInt(Math.max(1, m.mm().kpages().size()));
            };
        }
        return protocol.actions().call(a.name(), ids);
    }

    @Override
    public List<String> invariants(Machine m) {
        return protocol.check(m);
    }

    /**
     * Incremental checks ({@link IncrementalChecks}) when asked for: the census kept across steps,
     * the per-frame invariants on the frames a step touched, refusals checked by a change detector.
     */
    @Override
    public Checks checks(Machine m, boolean incremental) {
        return incremental ? new IncrementalChecks(protocol, m) : Workload.super.checks(m, false);
    }

    /** The parts' snapshots as one array (compared with {@link java.util.Objects#deepEquals}). */
    @Override
    public Object snapshot(Machine m) {
        List<Object> out = new ArrayList<>();
        for (ProtocolPart p : protocol.parts()) p.snapshot(m, out);
        return out.toArray();
    }

    /**
     * Finishes each CPU's path (a CPU that waits for another, e.g. for a folio lock, is passed over
     * until the others are done), then the parts' cleanup steps in order.
     */
    @Override
    public Call<Machine> nextDrainStep(Machine m) {
        for (Cpu cpu : m.mm().cpus()) {
            Call<Machine> n = next(m, cpu, false);
            if (n != null) return n;
        }
        // Only CPUs waiting for one another are left: nobody will let them go. The step is refused
        // and the engine reports the drain as stuck (DrainStepsEnabled).
        for (Cpu cpu : m.mm().cpus()) if (cpu.pc() != Pc.IDLE) return next(m, cpu, true);
        for (ProtocolPart p : protocol.parts()) {
            Call<Machine> n = p.cleanup(m);
            if (n != null) return n;
        }
        return null;
    }

    @Override
    public List<String> atQuiescence(Machine m) {
        List<String> v = new ArrayList<>();
        for (ProtocolPart p : protocol.parts()) p.atQuiescence(m, v);
        v.addAll(protocol.check(m));
        return v;
    }

    @Override
    public int lanes(Machine m) {
        return m.mm().cpus().size();
    }

    @Override
    public Map<String, String> view(Machine m) {
        Map<String, String> v = new LinkedHashMap<>();
        for (ProtocolPart p : protocol.parts()) p.view(m, v);
        return v;
    }
}
