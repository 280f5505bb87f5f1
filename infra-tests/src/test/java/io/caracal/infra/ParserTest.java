package io.caracal.infra;

import io.caracal.infra.hcl.Body;
import io.caracal.infra.hcl.Expr;
import io.caracal.infra.hcl.HclException;
import io.caracal.infra.hcl.Parser;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParserTest {

    @Test
    void blocksLabelsAndAttributes() {
        Body body = Parser.parse("""
                resource "aws_iam_role" this {
                  name = "x" # trailing comment
                  // another
                  /* and a
                     block comment */
                  inline { enabled = true }
                  count  = 2
                }
                """, "t.tf");
        Body.Block role = body.blocks().get(0);
        assertEquals("resource", role.type());
        assertEquals(List.of("aws_iam_role", "this"), role.labels());
        assertEquals("\"x\"", role.body().attribute("name").orElseThrow().text());
        assertEquals("true", role.body().blocks("inline").get(0).body().attribute("enabled").orElseThrow().text());
        assertEquals(7, role.body().attributes().get(1).line());
    }

    @Test
    void templatesKeepTheirReferencesAndKnowTheirOwnText() {
        Body body = Parser.parse("""
                a = "arn:${var.p}:logs:${data.aws_region.current.region}:*"
                b = "say \\"hi\\" $${not_interpolated}"
                c = "${module.rds.secret_arn}:password::"
                """, "t.tf");
        Expr.Str a = (Expr.Str) body.attribute("a").orElseThrow();
        assertTrue(a.templated());
        assertEquals("arn::logs::*", a.literal());
        assertEquals(List.of("var.p", "data.aws_region.current.region"), a.references());
        Expr.Str b = (Expr.Str) body.attribute("b").orElseThrow();
        assertEquals("say \"hi\" $${not_interpolated}", b.value());
        assertFalse(b.templated());
        assertEquals(":password::", ((Expr.Str) body.attribute("c").orElseThrow()).literal());
    }

    @Test
    void heredocsAreOneString() {
        Body body = Parser.parse("""
                x = <<-EOT
                  line one ${var.a}
                  line two
                EOT
                y = 1
                """, "t.tf");
        Expr.Str x = (Expr.Str) body.attribute("x").orElseThrow();
        assertTrue(x.value().contains("line two"));
        assertTrue(x.templated());
        assertEquals("1", body.attribute("y").orElseThrow().text());
        assertEquals(5, body.attributes().get(1).line());
    }

    @Test
    void tuplesObjectsAndComputedKeys() {
        Body body = Parser.parse("""
                m = {
                  (var.topic) = "group"
                  "Cluster Name" = var.name, plain = [1, 2,
                    3]
                  nested = { actions = ["s3:GetObject"] }
                }
                """, "t.tf");
        Expr.Obj m = (Expr.Obj) body.attribute("m").orElseThrow();
        assertEquals(4, m.entries().size());
        assertEquals(null, m.entries().get(0).name());
        assertEquals("var.topic", m.entries().get(0).key().references().get(0));
        assertEquals("Cluster Name", m.entries().get(1).name());
        assertEquals(3, ((Expr.Tuple) m.get("plain")).items().size());
        Expr.Obj nested = (Expr.Obj) m.get("nested");
        assertEquals("\"s3:GetObject\"", ((Expr.Tuple) nested.get("actions")).items().get(0).text());
    }

    /** Objects inside calls and for expressions are still objects: the IAM checks find statements there. */
    @Test
    void structureInsideCallsAndForExpressions() {
        Body body = Parser.parse("""
                x = merge([
                  for f, subs in local.s : { for t, g in subs : "${f}:${t}" => { topic = t, group = g } }
                ]...)
                y = { for k, v in var.m : k => [{ sid = "S", actions = ["a:B"] }] if v != "" }
                z = var.on ? aws_lambda_alias.live.arn : null
                w = module.alb_function[0].alias_arn
                """, "t.tf");
        long objects = countObjects(body.attribute("x").orElseThrow());
        assertEquals(1, objects);
        assertEquals(1, countObjects(body.attribute("y").orElseThrow()));
        assertTrue(body.attribute("z").orElseThrow().refersTo("aws_lambda_alias.live"));
        assertTrue(body.attribute("w").orElseThrow().refersTo("module.alb_function"));
        assertFalse(body.attribute("w").orElseThrow().refersTo("module.alb"));
    }

    @Test
    void errorsNameTheFileAndLine() {
        HclException unterminated = assertThrows(HclException.class, () -> Parser.parse("a = 1\nb = \"open\n", "bad.tf"));
        assertTrue(unterminated.getMessage().startsWith("bad.tf:2:"), unterminated.getMessage());
        HclException unclosed = assertThrows(HclException.class, () -> Parser.parse("x {\n  a = 1\n", "bad.tf"));
        assertTrue(unclosed.getMessage().contains("expected '}'"), unclosed.getMessage());
        HclException twoOnALine = assertThrows(HclException.class, () -> Parser.parse("a = 1 b = 2\n", "bad.tf"));
        assertTrue(twoOnALine.getMessage().startsWith("bad.tf:1:"), twoOnALine.getMessage());
        HclException openTuple = assertThrows(HclException.class, () -> Parser.parse("a = [1,\n 2\n", "bad.tf"));
        assertTrue(openTuple.getMessage().contains("']'"), openTuple.getMessage());
    }

    private static long countObjects(Expr e) {
        long[] n = {0};
        e.walk(x -> {
            if (x instanceof Expr.Obj) {
                n[0]++;
            }
        });
        return n[0];
    }
}
