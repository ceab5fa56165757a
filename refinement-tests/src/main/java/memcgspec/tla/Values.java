package memcgspec.tla;

import memcgspec.trace.V;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tlc2.value.IValue;
import tlc2.value.impl.BoolValue;
import tlc2.value.impl.FcnRcdValue;
import tlc2.value.impl.IntValue;
import tlc2.value.impl.IntervalValue;
import tlc2.value.impl.LazyValue;
import tlc2.value.impl.ModelValue;
import tlc2.value.impl.RecordValue;
import tlc2.value.impl.SetEnumValue;
import tlc2.value.impl.StringValue;
import tlc2.value.impl.TupleValue;
import tlc2.value.impl.Value;

/**
 * Converts TLC evaluator values ({@code tlc2.value.impl.*}) into neutral values ({@link V}).
 *
 * <p>The common concrete classes are converted directly; any other value (a lazily built function
 * such as {@code [c \in CPUs |-> 0]} before TLC normalised it, {@code SUBSET S}, {@code [S -> T]},
 * {@code S \X T}, ...) is first turned into an explicit set or function with TLC's own
 * {@code toSetEnum()} / {@code toFcnRcd()}. A {@link LazyValue} (how TLC binds operator arguments) is
 * converted through the value it caches; an unevaluated one must be evaluated by the caller first
 * ({@link StateGraph} does so), because that needs the loaded spec.
 */
public final class Values {
    private Values() {}

    /** The neutral form of a TLC value. @throws IllegalArgumentException when the value has none */
    public static Object of(IValue v) {
        if (v instanceof IntValue i) return i.val;
        if (v instanceof BoolValue b) return b.val;
        if (v instanceof StringValue s) return s.getVal().toString();
        if (v instanceof ModelValue m) return V.model(m.val.toString());
        if (v instanceof TupleValue t) {
            List<Object> elems = new ArrayList<>(t.elems.length);
            for (Value e : t.elems) elems.add(of(e));
            return V.tuple(elems);
        }
        if (v instanceof RecordValue r) {
            Map<Object, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < r.names.length; i++) m.put(r.names[i].toString(), of(r.values[i]));
            return V.fcn(m);
        }
        if (v instanceof FcnRcdValue f) {
            Map<Object, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < f.values.length; i++) {
                Object key = f.intv != null ? (Object) (f.intv.low + i) : of(f.domain[i]);
                m.put(key, of(f.values[i]));
            }
            return V.fcn(m);
        }
        if (v instanceof SetEnumValue s) {
            List<Object> elems = new ArrayList<>(s.elems.size());
            for (int i = 0; i < s.elems.size(); i++) elems.add(of(s.elems.elementAt(i)));
            return V.set(elems);
        }
        if (v instanceof IntervalValue iv) {
            List<Object> elems = new ArrayList<>();
            for (int i = iv.low; i <= iv.high; i++) elems.add(i);
            return V.set(elems);
        }
        if (v instanceof LazyValue lv) {
            Value inner = lv.getValue();
            if (inner == null) throw new IllegalArgumentException("unevaluated TLC lazy value: " + lv);
            return of(inner);
        }
        if (v instanceof Value val) {
            // Functions and sets in a non-explicit representation. Each conversion returns null when it
            // does not apply (or throws, for sets TLC cannot enumerate).
            Value f = tryConvert(val, true);
            if (f != null && f != val) return of(f);
            Value s = tryConvert(val, false);
            if (s != null && s != val) return of(s);
        }
        throw new IllegalArgumentException("no neutral form for TLC value of class "
                + (v == null ? "null" : v.getClass().getSimpleName()) + ": " + v);
    }

    /**
     * The TLC value of a neutral value: the inverse of {@link #of} for the values TLC prints in a state (a map with
     * identifier keys becomes a record, one with keys 1..n or none a tuple, any other a function; sets are
     * normalised). Model values are looked up by name among those of the loaded spec ({@code ModelValue.make}), so
     * a spec must be loaded first ({@link SpecSession#stateOf}).
     *
     * @throws IllegalArgumentException when {@code v} is not a neutral value
     */
    public static Value toTlc(Object v) {
        if (v instanceof Integer i) return IntValue.gen(i);
        if (v instanceof Boolean b) return b ? BoolValue.ValTrue : BoolValue.ValFalse;
        if (v instanceof String s) return new StringValue(s);
        if (v instanceof V.Model m) return ModelValue.make(m.name());
        if (v instanceof java.util.Set<?> set) {
            Value[] elems = new Value[set.size()];
            int i = 0;
            for (Object e : set) elems[i++] = toTlc(e);
            return new SetEnumValue(elems, false).normalize();
        }
        if (v instanceof Map<?, ?> m) {
            if (m.isEmpty() || V.isTuple(m)) {
                Value[] elems = new Value[m.size()];
                int i = 0;
                for (Object e : m.values()) elems[i++] = toTlc(e);
                return new TupleValue(elems);
            }
            boolean record = m.keySet().stream().allMatch(k -> k instanceof String s && s.matches("[A-Za-z_][A-Za-z0-9_]*"));
            Value[] values = new Value[m.size()];
            int i = 0;
            if (record) {
                util.UniqueString[] names = new util.UniqueString[m.size()];
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    names[i] = util.UniqueString.uniqueStringOf((String) e.getKey());
                    values[i++] = toTlc(e.getValue());
                }
                return new RecordValue(names, values, false).normalize();
            }
            Value[] domain = new Value[m.size()];
            for (Map.Entry<?, ?> e : m.entrySet()) {
                domain[i] = toTlc(e.getKey());
                values[i++] = toTlc(e.getValue());
            }
            return new FcnRcdValue(domain, values, false).normalize();
        }
        throw new IllegalArgumentException("not a neutral value: " + (v == null ? "null" : v.getClass().getSimpleName()));
    }

    private static Value tryConvert(Value v, boolean toFunction) {
        try {
            return toFunction ? v.toFcnRcd() : v.toSetEnum();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
