package memcgspec.impl;

import java.util.Arrays;
import java.util.function.Function;

/**
 * One CPU of the machine: the core of the specs' per-CPU process that every protocol shares (its
 * program counter, the folio it holds, the memcg of the task it charges for) and the parts each
 * protocol adds ({@link CpuPart}: the charge protocol's page-cache index, the swap protocol's
 * slot). The steps live with their protocols ({@link memcgspec.impl.charge.ChargeSteps},
 * {@link memcgspec.impl.swap.SwapSteps}); what is here are the building blocks they share:
 * the refusal helpers and the task bracket (beginTask / endTask).
 *
 * <p>A CPU is driven by one thread at a time; its fields are private to that thread. Shared state
 * is touched only through atomics, the page lock, the page cache's xa_lock and the swap device's
 * lock, in the kernel's order.
 */
public final class Cpu {
    private final Mm mm;
    private final int id;
    /** The protocols' parts, made on first use; a CPU has a handful, so a scanned array. */
    private volatile CpuPart[] parts = new CpuPart[0];
    /**
     * The same parts by their class's key ({@link #partKey}), null where this CPU has none: what
     * {@link #part(int, Class, Function)} reads, without a scan. Written with {@code parts}, under
     * this CPU's lock; read without it (a part, once made, stays).
     */
    private volatile CpuPart[] byKey = new CpuPart[0];
    /** The keys given out: part class -> key, the keys 0, 1, 2, ... in the order asked. */
    private static final java.util.Map<Class<?>, Integer> KEYS = new java.util.HashMap<>();

    private Pc pc = Pc.IDLE;
    /** The folio this CPU holds a reference to (or works on), or null. */
    private Folio held;
    /** The memcg of the task this CPU faults for, while it charges; or null. */
    private MemCgroup chargeTo;
    /**
     * Inside rcu_read_lock(), and the memcg pointer read under it (null until read): what
     * {@link Mm#Free} waits for (css_free runs after an RCU grace period). Written by this CPU,
     * read by the freeing one.
     */
    private volatile boolean rcuLocked;
    private volatile MemCgroup rcuMemcg;

    Cpu(Mm mm, int id) {
        this.mm = mm;
        this.id = id;
    }

    public Mm mm() {
        return mm;
    }

    public int id() {
        return id;
    }

    public Pc pc() {
        return pc;
    }

    public Folio held() {
        return held;
    }

    public MemCgroup chargeTo() {
        return chargeTo;
    }

    /** Moves the CPU to program counter {@code to} (for step classes). */
    public void setPc(Pc to) {
        pc = to;
    }

    /** Sets the folio this CPU holds or works on, or null (for step classes). */
    public void setHeld(Folio f) {
        held = f;
    }

    /**
     * A protocol's part of this CPU, made on first use.
     *
     * @param type the part's class (its step class)
     * @param make makes the part for this CPU
     */
    public <T extends CpuPart> T part(Class<T> type, Function<Cpu, T> make) {
        for (CpuPart p : parts) if (p.getClass() == type) return type.cast(p);
        synchronized (this) {
            for (CpuPart p : parts) if (p.getClass() == type) return type.cast(p);
            T p = make.apply(this);
            CpuPart[] more = Arrays.copyOf(parts, parts.length + 1);
            more[parts.length] = p;
            index(more);
            parts = more;
            return p;
        }
    }

    /**
     * {@link #part(Class, Function)} found by the class's key ({@link #partKey}, which the step
     * class asks once): the same object, without scanning the parts and comparing their classes
     * (the step classes ask for their part in every step and the checkers several times per CPU
     * after every step).
     */
    @SuppressWarnings("unchecked")
    public <T extends CpuPart> T part(int key, Class<T> type, Function<Cpu, T> make) {
        CpuPart[] k = byKey;
        if (key < k.length) {
            CpuPart p = k[key];
            // byKey[key] is only ever the part of the class that has this key (index): a T
            if (p != null) return (T) p;
        }
        return part(type, make);
    }

    /** The key of a part class, for {@link #part(int, Class, Function)}: distinct classes, distinct keys. */
    public static int partKey(Class<? extends CpuPart> type) {
        synchronized (KEYS) {
            return KEYS.computeIfAbsent(type, t -> KEYS.size());
        }
    }

    /** Sets {@code byKey} from the parts {@code ps} (under this CPU's lock). */
    private void index(CpuPart[] ps) {
        int n = 0;
        int[] keys = new int[ps.length];
        for (int i = 0; i < ps.length; i++) {
            keys[i] = partKey(ps[i].getClass());
            n = Math.max(n, keys[i] + 1);
        }
        CpuPart[] k = new CpuPart[n];
        for (int i = 0; i < ps.length; i++) k[keys[i]] = ps[i];
        byKey = k;
    }

    /**
     * The CPU starts charging for a task of memcg m: refused if m is the root (its tasks are not
     * charged), not online (a removed memcg has no tasks), or, on a machine of leaf tasks, has an
     * online child; the CPU holds a css reference on m
     * and counts as one of its chargers (which {@link Mm#Offline} waits for) until
     * {@link #endTask}.
     */
    public void beginTask(String step, MemCgroup m) {
        requireTaskMemcg(step, m);
        if (!m.tryEnterTask(mm.config().leafTasks())) throw refuse(step, m + " is not online, or (leaf tasks) has an online child");
        chargeTo = m;
    }

    /**
     * {@link #beginTask} for a whole path: false (nothing changed) instead of a refusal when m is
     * not online.
     */
    public boolean tryBeginTask(MemCgroup m) {
        if (!m.tryEnterTask(mm.config().leafTasks())) return false;
        chargeTo = m;
        return true;
    }

    /**
     * The CPU charges for memcg t instead of its task's from now on (a swap-in retrying its charge
     * through the stock, spec/Stock.tla): a css reference on t taken, the old one dropped; false
     * (nothing changed) if t is no longer online (a racing offline: css_tryget_online fails).
     */
    public boolean tryMoveTask(MemCgroup t) {
        if (!t.tryEnterCharge()) return false;
        MemCgroup m = chargeTo;
        chargeTo = t;
        m.leaveTask();
        return true;
    }

    /** The CPU is done charging for its task: chargeTo cleared, the css reference dropped. */
    public void endTask() {
        MemCgroup m = chargeTo;
        chargeTo = null;
        m.leaveTask();
    }

    /** rcu_read_lock(): from now on a memcg this CPU reads is not freed until {@link #rcuReadUnlock}. */
    public void rcuReadLock() {
        rcuMemcg = null;
        rcuLocked = true;
    }

    /** Records the memcg pointer read under rcu_read_lock (the one a freeing CPU must wait for). */
    public void rcuHold(MemCgroup m) {
        rcuMemcg = m;
    }

    /** rcu_read_unlock(). */
    public void rcuReadUnlock() {
        rcuLocked = false;
        rcuMemcg = null;
    }

    /** The memcg read under rcu_read_lock, or null. */
    public MemCgroup rcuMemcg() {
        return rcuMemcg;
    }

    /**
     * Whether this CPU may hold {@code m} under rcu_read_lock: it read m, or is inside and has
     * not published what it read yet (a grace period waits for it either way).
     */
    public boolean rcuMayHold(MemCgroup m) {
        if (!rcuLocked) return false;
        MemCgroup r = rcuMemcg;
        return r == null || r == m;
    }

    /** The refusal of {@code step} on this CPU, saying why. */
    public StepRefused refuse(String step, String why) {
        return new StepRefused(step + " on cpu" + id + ": " + why);
    }

    /** Refuses {@code step} unless the program counter is one of {@code allowed}. */
    public void requirePc(String step, Pc... allowed) {
        for (Pc a : allowed) if (pc == a) return;
        throw refuse(step, "pc is " + pc.spec());
    }

    /** Refuses {@code step} for a task of the root memcg, whose tasks are not charged. */
    public static MemCgroup requireTaskMemcg(String step, MemCgroup m) {
        if (m.isRoot()) throw new StepRefused(step + ": tasks of the root memcg are not charged");
        return m;
    }

    void copyFrom(Cpu o) {
        pc = o.pc;
        held = o.held == null ? null : mm.folio(o.held.id());
        chargeTo = o.chargeTo == null ? null : mm.memcg(o.chargeTo.id());
        rcuLocked = o.rcuLocked;
        rcuMemcg = o.rcuMemcg == null ? null : mm.memcg(o.rcuMemcg.id());
        CpuPart[] from = o.parts, to = new CpuPart[from.length];
        for (int i = 0; i < from.length; i++) to[i] = from[i].copyFor(this);
        synchronized (this) {
            index(to);
            parts = to;
        }
    }

    @Override
    public String toString() {
        return "cpu" + id + "[" + pc.spec() + (held != null ? ", " + held : "") + "]";
    }
}
