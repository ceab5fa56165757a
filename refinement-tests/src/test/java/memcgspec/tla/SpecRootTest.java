package memcgspec.tla;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecRootTest {
    @TempDir
    Path tmp;

    @Test
    void surefireSetsTheReactorRoot() {
        assertTrue(Files.isRegularFile(SpecRoot.specDir().resolve("catalogue")));
        assertEquals(SpecRoot.root().resolve("target"), SpecRoot.targetDir());
    }

    @Test
    void propertyThenEnvironmentThenWalkUp() throws IOException {
        Path a = Files.createDirectories(tmp.resolve("a/spec")).getParent();
        Files.writeString(a.resolve("spec/catalogue"), "");
        Path b = Files.createDirectories(tmp.resolve("b/spec")).getParent();
        Files.writeString(b.resolve("spec/catalogue"), "");
        Path deep = Files.createDirectories(a.resolve("x/y"));
        assertEquals(b, SpecRoot.find(b.toString(), a.toString(), deep));
        assertEquals(a, SpecRoot.find(null, a.toString(), tmp));
        assertEquals(a, SpecRoot.find("", null, deep));
    }

    @Test
    void oneLineErrors() {
        UserError e = assertThrows(UserError.class, () -> SpecRoot.find(tmp.toString(), null, tmp));
        assertEquals("system property memcgspec.root names " + tmp + ", which holds no spec/catalogue", e.getMessage());
        e = assertThrows(UserError.class, () -> SpecRoot.find(null, null, tmp));
        assertTrue(e.getMessage().startsWith("cannot find the memcg-spec project"), e.getMessage());
    }
}
