package memcgspec.impl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One memory cgroup (struct mem_cgroup): an id, a place in the hierarchy, and its memory
 * page counter, whose parent is the parent memcg's counter.
 */
public final class MemCgroup {
    private final int id;
    private final MemCgroup parent;
    private final List<MemCgroup> children = new ArrayList<>();
    private final PageCounter memory;

    MemCgroup(int id, MemCgroup parent, long max) {
        this.id = id;
        this.parent = parent;
        this.memory = new PageCounter("memcg" + id, parent == null ? null : parent.memory, max);
        if (parent != null) {
            parent.children.add(this);
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

    /** True when {@code other} is this memcg or one of its descendants. */
    public boolean isAncestorOf(MemCgroup other) {
        for (MemCgroup m = other; m != null; m = m.parent) {
            if (m == this) return true;
        }
        return false;
    }

    @Override
    public String toString() {
        return "memcg" + id;
    }
}
