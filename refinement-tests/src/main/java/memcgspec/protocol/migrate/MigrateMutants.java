package memcgspec.protocol.migrate;

import java.util.List;
import memcgspec.protocol.Protocol;

/** The mutants of spec/Migrate.tla: each a protocol bug re-introduced, with the exact checks that catch it. */
public final class MigrateMutants {
    private MigrateMutants() {}

    static final List<Protocol.Mutant> ALL = List.of();
}
