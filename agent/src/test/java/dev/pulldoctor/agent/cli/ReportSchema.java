package dev.pulldoctor.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The report's published JSON Schema (docs/schema/report-v1.schema.json), for tests. */
final class ReportSchema {
  static final Path FILE = Path.of("..", "docs", "schema", "report-v1.schema.json");

  private static final Schema SCHEMA = load();

  private ReportSchema() {}

  /** What in {@code report} breaks the schema; empty when it conforms. */
  static List<String> errors(JsonNode report) {
    return SCHEMA.validate(report).stream().map(Error::toString).toList();
  }

  private static Schema load() {
    try {
      return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
          .getSchema(Files.readString(FILE), com.networknt.schema.InputFormat.JSON);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
