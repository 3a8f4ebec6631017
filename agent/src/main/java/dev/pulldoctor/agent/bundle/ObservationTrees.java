package dev.pulldoctor.agent.bundle;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.pulldoctor.rules.model.RegistryObservation;

/**
 * Registry probe observations to and from {@code observations.json}. The record's own fields are
 * the format: Jackson maps them without type information, so a bundle can only ever produce these
 * records, and unknown fields are an error.
 */
final class ObservationTrees {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
          .build();

  private ObservationTrees() {}

  static JsonNode toTree(RegistryObservation observation) {
    return MAPPER.valueToTree(observation);
  }

  static RegistryObservation fromTree(String where, JsonNode node) throws BundleFormatException {
    try {
      return MAPPER.treeToValue(node, RegistryObservation.class);
    } catch (IllegalArgumentException | com.fasterxml.jackson.core.JsonProcessingException e) {
      // Jackson's message can quote the content; the place is enough.
      throw new BundleFormatException(where + " is not a valid registry observation");
    }
  }
}
