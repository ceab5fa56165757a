package memcgspec.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import memcgspec.registry.Protocols;
import memcgspec.tla.CatalogueEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** list: the catalogue. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the catalogue's models.")
final class ListCommand extends Base implements Callable<Integer> {
    @Option(names = "--json", description = "One JSON object on stdout instead of the table.")
    boolean json;

    @Override
    public Integer call() {
        List<CatalogueEntry> all = Common.catalogue().all();
        Table t = new Table("model", "size", "expected", "conform", "commit", "description");
        List<Object> js = new ArrayList<>();
        for (CatalogueEntry m : all) {
            boolean conform = m.ci() && Protocols.forModule(m.moduleName()).isPresent();
            t.row(m.name(), m.size(), m.expect(), conform ? "yes" : "-", m.commit(), m.description());
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("name", m.name());
            j.put("spec", m.spec());
            j.put("cfg", m.cfg());
            j.put("expected", m.expect().toString());
            j.put("size", m.size());
            j.put("conformance", conform);
            j.put("commit", m.commit());
            j.put("description", m.description());
            js.add(j);
        }
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("models", js);
            out().println(Json.write(out));
        } else {
            out().print(t.render());
        }
        return Main.OK;
    }
}
