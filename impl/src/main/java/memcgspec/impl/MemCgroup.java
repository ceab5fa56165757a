package memcgspec.impl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One memory cgroup (struct mem_cgroup): an id, a place in the hierarchy, its page counters
 * (memory; memsw on cgroup v1; swap on cgroup v2), each parented by the parent memcg's counter of
 * the same kind, its lifetime state and its css reference count.
 *
 * <p>The css reference count keeps the structure alive: each folio charged to the memcg, each
 * swap slot recorded to it, each CPU charging for one of its tasks and each child that is not yet
 * freed holds one. {@link Mm#Free} frees an offline memcg only when the count is zero.
 */
public final class MemCgroup {
    /** Online (tasks may run in it), offline (removed, still referenced), freed (structure gone). */
    public enum State {
        ONLINE("online"), OFFLINE("offline"), FREED("freed");

        private final String spec;

        State(String spec) {
            this.spec = spec;
        }

        /** The spec's name for this state. */
        public String spec() {
            return spec;
        }
    }

    private final int id;
    private final MemCgroup parent;
    private final List<MemCgroup> children = new ArrayList<>();
    private final PageCounter memory;
    private final PageCounter memsw;
    private final PageCounter swap;
    private final AtomicReference<State> state = new AtomicReference<>(State.ONLINE);
    private final AtomicLong css = new AtomicLong();
    /** CPUs charging for one of this memcg's tasks (a task in a fault keeps the cgroup populated). */
    private int chargers;

    MemCgroup(int id, MemCgroup parent, long max, long swapMax) {
        this.id = id;
        this.parent = parent;
        this.memory = new PageCounter("memcg" + id, parent == null ? null : parent.memory, max);
        this.memsw = new PageCounter("memcg" + id + ".memsw", parent == null ? null : parent.memsw, PageCounter.UNLIMITED);
        this.swap = new PageCounter("memcg" + id + ".swap", parent == null ? null : parent.swap, swapMax);
        if (parent != null) {
            parent.children.add(this);
            parent.cssGet();
        }
    }

    public int id() {
        return id;
    }

    public MemCgroup parent() {
        return parent;
    }

    public boolean isRoot() {
        return parent == null;
    }

    public List<MemCgroup> children() {
        return Collections.unmodifiableList(children);
    }

    /** The memory counter (memory.current / memory.max). */
    public PageCounter memory() {
        return memory;
    }

    /** The cgroup v1 memory+swap counter (memory.memsw.usage_in_bytes); unlimited. */
    public PageCounter memsw() {
        return memsw;
    }

    /** The cgroup v2 swap counter (memory.swap.current / memory.swap.max). */
    public PageCounter swap() {
        return swap;
    }

    public State state() {
        return state.get();
    }

    public boolean online() {
        return state.get() == State.ONLINE;
    }

    /** The css reference count (not counting the online state itself). */
    public long cssRefs() {
        return css.get();
    }

    public void cssGet() {
        css.incrementAndGet();
    }

    public void cssPut() {
        if (css.decrementAndGet() < 0) throw new AssertionError("css reference underflow on " + this);
    }

    /**
     * A CPU starts charging for a task of this memcg: refused (false) unless online; takes a css
     * reference. Serialized with {@link #offlineIfIdle} (cgroup_mutex: a populated cgroup cannot
     * be removed).
     */
    public synchronized boolean tryEnterTask() {
        if (state.get() != State.ONLINE) return false;
        chargers++;
        cssGet();
        return true;
    }

    public synchronized void leaveTask() {
        if (--chargers < 0) throw new AssertionError("chargers underflow on " + this);
        cssPut();
    }

    /** Offline if online and no CPU charges for one of its tasks; false (no change) otherwise. */
    public synchronized boolean offlineIfIdle() {
        if (state.get() != State.ONLINE || chargers != 0) return false;
        state.set(State.OFFLINE);
        return true;
    }

    boolean setState(State from, State to) {
        return state.compareAndSet(from, to);
    }

    /**
     * mem_cgroup_id_get_online: this memcg if online, else its nearest online ancestor (the root
     * is always online).
     */
    public MemCgroup nearestOnline() {
        MemCgroup m = this;
        while (!m.online()) m = m.parent;
        return m;
    }

    /** True when {@code other} is this memcg or one of its descendants. */
    public boolean isAncestorOf(MemCgroup other) {
        for (MemCgroup m = other; m != null; m = m.parent) {
            if (m == this) return true;
        }
        return false;
    }

    void copyFrom(MemCgroup o) {
        memory.copyValuesFrom(o.memory);
        memsw.copyValuesFrom(o.memsw);
        swap.copyValuesFrom(o.swap);
        state.set(o.state.get());
        css.set(o.css.get());
        chargers = o.chargers;
    }

    @Override
    public String toString() {
        return "memcg" + id;
    }
}
