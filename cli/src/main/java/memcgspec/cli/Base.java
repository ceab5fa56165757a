package memcgspec.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** What every command shares: picocli's writers, and the "one JSON object or the table" ending. */
abstract class Base {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /**
     * Prints the result, either as {@code {"ok": .., "models": [..]}} or as the human text, and
     * returns the exit code.
     */
    int finish(boolean json, boolean allOk, List<Object> models, String human) {
        return finish(json, allOk, models, human, Map.of());
    }

    /** {@link #finish(boolean, boolean, List, String)} with more top-level JSON fields after "models". */
    int finish(boolean json, boolean allOk, List<Object> models, String human, Map<String, Object> more) {
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("ok", allOk);
            o.put("models", models);
            o.putAll(more);
            out().println(Json.write(o));
        } else {
            out().print(human);
        }
        return allOk ? Main.OK : Main.NOT_AS_EXPECTED;
    }
}
