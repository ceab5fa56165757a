package memcgspec.tla;

import memcgspec.trace.V;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses values as TLC prints them (in traces and error messages) into neutral values ({@link V}):
 * integers (also negative), strings with escapes, TRUE/FALSE, model values (bare identifiers), sets
 * {@code {..}}, intervals {@code a..b} (as sets), tuples {@code <<..>>}, records {@code [a |-> 1, b |-> 2]}
 * and functions {@code (k1 :> v1 @@ k2 :> v2)} (also a bare {@code k :> v}). Line breaks and indentation
 * are insignificant, so values TLC spreads over several lines parse the same.
 *
 * <p>Malformed text throws {@link IllegalArgumentException} naming the offset; TLC's own output is trusted
 * input, so this is a bug report rather than a user error.
 */
public final class TlaValueParser {
    private final String s;
    private int pos;

    private TlaValueParser(String s) {
        this.s = s;
    }

    /** Parses one value; the whole text must be consumed. */
    public static Object parse(String text) {
        TlaValueParser p = new TlaValueParser(text);
        Object v = p.expr();
        p.skipWs();
        if (p.pos != p.s.length()) throw p.error("unexpected text after the value");
        return v;
    }

    /**
     * Parses a state as TLC prints it, {@code /\ x = 1 /\ y = (p1 :> 0 @@ p2 :> 1)} with one conjunct a line
     * (values may span several lines), or {@code x = 1} for a spec with one variable. Variables keep TLC's order.
     */
    public static LinkedHashMap<String, Object> parseState(String text) {
        TlaValueParser p = new TlaValueParser(text);
        LinkedHashMap<String, Object> vars = new LinkedHashMap<>();
        p.skipWs();
        while (p.pos < p.s.length()) {
            p.accept("/\\");
            String name = p.identifier();
            if (name == null) throw p.error("expected a variable name");
            p.expect("=");
            vars.put(name, p.expr());
            p.skipWs();
        }
        return vars;
    }

    // expr := primary [':>' primary {'@@' primary ':>' primary}]   (a function literal without parentheses)
    private Object expr() {
        Object first = primary();
        if (!peek(":>")) return first;
        Map<Object, Object> f = new LinkedHashMap<>();
        Object key = first;
        while (true) {
            expect(":>");
            Object val = primary();
            if (f.put(key, val) != null) throw error("duplicate key " + V.show(key) + " in a function");
            if (!accept("@@")) break;
            key = primary();
        }
        return V.fcn(f);
    }

    private Object primary() {
        skipWs();
        if (pos >= s.length()) throw error("unexpected end of text");
        char c = s.charAt(pos);
        Object v;
        if (c == '"') {
            v = string();
        } else if (c == '-' || Character.isDigit(c)) {
            v = integer();
        } else if (accept("<<")) {
            v = V.tuple(list(">>"));
        } else if (accept("{")) {
            v = V.set(list("}"));
        } else if (accept("[")) {
            v = record();
        } else if (accept("(")) {
            v = expr();
            expect(")");
        } else {
            String id = identifier();
            if (id == null) throw error("unexpected character '" + c + "'");
            v = switch (id) {
                case "TRUE" -> Boolean.TRUE;
                case "FALSE" -> Boolean.FALSE;
                default -> V.model(id);
            };
        }
        // An interval a..b, which TLC prints for sets it holds as intervals.
        if (v instanceof Integer lo && accept("..")) {
            skipWs();
            int hi = integer();
            List<Object> elems = new ArrayList<>();
            for (int i = lo; i <= hi; i++) elems.add(i);
            return V.set(elems);
        }
        return v;
    }

    private List<Object> list(String close) {
        List<Object> out = new ArrayList<>();
        if (accept(close)) return out;
        do {
            out.add(expr());
        } while (accept(","));
        expect(close);
        return out;
    }

    private Object record() {
        Map<Object, Object> r = new LinkedHashMap<>();
        do {
            String field = identifier();
            if (field == null) throw error("expected a record field name");
            expect("|->");
            if (r.put(field, expr()) != null) throw error("duplicate record field " + field);
        } while (accept(","));
        expect("]");
        return V.fcn(r);
    }

    private int integer() {
        int start = pos;
        if (s.charAt(pos) == '-') pos++;
        while (pos < s.length() && Character.isDigit(s.charAt(pos))) pos++;
        try {
            return Integer.parseInt(s.substring(start, pos));
        } catch (NumberFormatException e) {
            pos = start;
            throw error("bad integer");
        }
    }

    private String string() {
        StringBuilder b = new StringBuilder();
        pos++; // opening quote
        while (true) {
            if (pos >= s.length()) throw error("unterminated string");
            char c = s.charAt(pos++);
            if (c == '"') return b.toString();
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (pos >= s.length()) throw error("unterminated string");
            char e = s.charAt(pos++);
            switch (e) {
                case 'n' -> b.append('\n');
                case 't' -> b.append('\t');
                case 'r' -> b.append('\r');
                case 'f' -> b.append('\f');
                default -> b.append(e); // \" and \\ (and anything else stands for itself)
            }
        }
    }

    /** An identifier (letters, digits, '_', not all digits), or null without moving when there is none. */
    private String identifier() {
        skipWs();
        int start = pos;
        while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) pos++;
        String id = s.substring(start, pos);
        if (id.isEmpty() || id.chars().allMatch(Character::isDigit)) {
            pos = start;
            return null;
        }
        return id;
    }

    private boolean peek(String token) {
        skipWs();
        return s.startsWith(token, pos);
    }

    private boolean accept(String token) {
        if (!peek(token)) return false;
        pos += token.length();
        return true;
    }

    private void expect(String token) {
        if (!accept(token)) throw error("expected '" + token + "'");
    }

    private void skipWs() {
        while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
    }

    private IllegalArgumentException error(String what) {
        int from = Math.max(0, pos - 20), to = Math.min(s.length(), pos + 20);
        return new IllegalArgumentException("cannot parse TLC value: " + what + " at offset " + pos + " near '"
                + s.substring(from, to).replace('\n', ' ') + "'");
    }
}
