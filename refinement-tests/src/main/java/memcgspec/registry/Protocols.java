package memcgspec.registry;

import java.util.List;
import java.util.Optional;
import memcgspec.protocol.Protocol;
import memcgspec.protocol.charge.ChargeProtocol;
import memcgspec.protocol.kmem.KmemProtocol;
import memcgspec.protocol.migrate.MigrateProtocol;
import memcgspec.protocol.stock.StockProtocol;
import memcgspec.protocol.swap.SwapProtocol;
import memcgspec.protocol.uncharge.UnchargeBatchProtocol;

/**
 * THE protocol registry: every protocol the Java side implements, once. The CLI (conform, list),
 * the conformance, property, mutation and docs tests all read it. Adding a protocol is one line
 * here (and its package).
 */
public final class Protocols {
    private Protocols() {}

    /** Every protocol, base protocols first. */
    public static final List<Protocol> ALL = List.of(ChargeProtocol.PROTOCOL, SwapProtocol.PROTOCOL, MigrateProtocol.PROTOCOL, KmemProtocol.PROTOCOL,
            StockProtocol.PROTOCOL, UnchargeBatchProtocol.PROTOCOL);

    /** The protocol held to a spec module (e.g. "Swap"), if that module is a conformance target. */
    public static Optional<Protocol> forModule(String module) {
        return ALL.stream().filter(p -> p.module().equals(module)).findFirst();
    }

    /** The protocol of this name (e.g. "swap"). */
    public static Optional<Protocol> byName(String name) {
        return ALL.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** The spec modules that are conformance targets. */
    public static List<String> modules() {
        return ALL.stream().map(Protocol::module).toList();
    }
}
