package memcgspec.conform;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import memcgspec.impl.StepRefused;
import memcgspec.trace.V;

/** The Java side of the toy spec conform-toy/Counter.tla: a counter CPUs increment. */
final class ToyCounter {
    final List<V.Model> cpus;
    final int max;
    int x;
    Map<V.Model, Integer> tmp = new LinkedHashMap<>();
    Map<V.Model, String> pc = new LinkedHashMap<>();

    ToyCounter(List<V.Model> cpus, int max) {
        this.cpus = List.copyOf(cpus);
        this.max = max;
        for (V.Model c : cpus) {
            tmp.put(c, 0);
            pc.put(c, "idle");
        }
    }

    ToyCounter copy() {
        ToyCounter t = new ToyCounter(cpus, max);
        t.x = x;
        t.tmp = new LinkedHashMap<>(tmp);
        t.pc = new LinkedHashMap<>(pc);
        return t;
    }

    void read(V.Model c) {
        if (!pc.get(c).equals("idle")) throw new StepRefused(c + " is not idle");
        if (x >= max) throw new StepRefused("counter full");
        tmp.put(c, x);
        pc.put(c, "read");
    }

    void write(V.Model c) {
        if (!pc.get(c).equals("read")) throw new StepRefused(c + " has read nothing");
        x = tmp.get(c) + 1;
        pc.put(c, "idle");
    }

    void add(V.Model c, int n) {
        if (!pc.get(c).equals("idle")) throw new StepRefused(c + " is not idle");
        if (x + n > max) throw new StepRefused("would overflow");
        x += n;
    }

    void reset() {
        if (x != max) throw new StepRefused("counter not full");
        for (String p : pc.values()) if (!p.equals("idle")) throw new StepRefused("a CPU is busy");
        x = 0;
    }
}
