package memcgspec.protocol;

import memcgspec.impl.Cpu;
import memcgspec.impl.Folio;
import memcgspec.impl.KmemPage;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.Mm;
import memcgspec.impl.ObjCgroup;

/**
 * The system under test of every engine: a Java machine with the spec's names of its parts. The
 * conformance binding, the property engine and the action tables all work on it.
 */
public record Machine(Mm mm, Names names) {

    /** A fresh machine of the given shape, with generated names (property runs). */
    public static Machine of(Mm mm) {
        return new Machine(mm, Names.of(mm.config()));
    }

    /** An independent deep copy (same names). */
    public Machine copy() {
        return new Machine(mm.copy(), names);
    }

    public Cpu cpu(Object name) {
        return mm.cpu(names.cpu(name));
    }

    public Folio folio(Object name) {
        return mm.folio(names.page(name));
    }

    public MemCgroup memcg(Object number) {
        return mm.memcg((Integer) number);
    }

    public int index(Object name) {
        return names.index(name);
    }

    public int slot(Object name) {
        return names.slot(name);
    }

    public KmemPage kpage(Object name) {
        return mm.kpage(names.kpage(name));
    }

    /** The spec's name of a kmem page, or NoPage. */
    public Object kpageValue(KmemPage k) {
        return k == null ? names.noPage() : names.kpages().get(k.id());
    }

    /** The spec's value of an objcg: the number of the memcg that allocated it, or NoObjcg. */
    public Object objcgValue(ObjCgroup o) {
        return o == null ? names.noObjcg() : (Object) o.id();
    }

    /** The spec's name of a folio, or NoPage. */
    public Object page(Folio f) {
        return f == null ? names.noPage() : names.pages().get(f.id());
    }

    /** The spec's value of a memcg: its number, or NoMemcg. */
    public Object memcgValue(MemCgroup m) {
        return m == null ? names.noMemcg() : (Object) m.id();
    }
}
