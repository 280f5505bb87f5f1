package io.caracal.infra.kubernetes;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a multi-document YAML stream, as `helm template` or `kubectl kustomize` prints it, into its objects. */
public final class Manifests {
    public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private static final Pattern SEPARATOR = Pattern.compile("(?m)^---\\s*$");
    private static final Pattern SOURCE = Pattern.compile("(?m)^# Source: (.+)$");

    private Manifests() {
    }

    /**
     * The objects of the stream, in order; empty documents are skipped. A document that is not a mapping, or a
     * key given twice, is an error: Kubernetes would not take it either.
     */
    public static List<Manifest> parse(String stream) {
        List<Manifest> out = new ArrayList<>();
        String[] documents = SEPARATOR.split(stream);
        for (int i = 0; i < documents.length; i++) {
            String document = documents[i];
            Matcher source = SOURCE.matcher(document);
            String where = source.find() ? source.group(1).trim() : "document " + (i + 1);
            JsonNode node;
            try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(document)) {
                node = it.hasNext() ? it.next() : null;
                if (it.hasNext()) {
                    throw new IllegalArgumentException(where + ": more than one document between separators");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(where + ": not YAML: " + e.getMessage(), e);
            }
            if (node == null || node.isNull() || node.isMissingNode()) {
                continue;
            }
            if (!(node instanceof ObjectNode object)) {
                throw new IllegalArgumentException(where + ": a document is not a mapping but " + node.getNodeType());
            }
            out.add(new Manifest(where, object));
        }
        return out;
    }
}
