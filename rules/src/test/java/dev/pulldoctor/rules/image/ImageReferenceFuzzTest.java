package dev.pulldoctor.rules.image;

import static dev.pulldoctor.rules.FuzzInput.assertNoCanary;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pulldoctor.rules.FuzzInput;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the image-reference parser (references come from pod specs, events, flags and Airbyte's
 * API). Input layout: byte 0 says where the canary goes, the rest is the reference.
 */
class ImageReferenceFuzzTest {

  @FuzzTest(maxDuration = "5m")
  void reference(byte[] bytes) {
    FuzzInput input = FuzzInput.of(bytes);
    byte[] raw = input.rest(1);
    String text =
        new String(
            input.unsigned(0) == 0 ? raw : FuzzInput.withCanary(raw, input.unsigned(0)),
            StandardCharsets.UTF_8);
    ImageReference reference;
    try {
      reference = ImageReference.parse(text);
    } catch (InvalidImageReferenceException e) {
      assertNoCanary("an invalid-reference message", String.valueOf(e.getMessage()));
      if (ImageReference.tryParse(text).isPresent()) {
        throw new AssertionError("tryParse accepts what parse rejects", e);
      }
      return;
    }
    if (reference.path().length() > 255 || reference.original().length() > 1024) {
      throw new AssertionError("an over-long reference was accepted");
    }
    // The normalised form is a reference the kubelet reads the same way.
    ImageReference again;
    try {
      again = ImageReference.parse(reference.toString());
    } catch (InvalidImageReferenceException e) {
      throw new AssertionError("the normalised form of a valid reference is invalid", e);
    }
    if (!again.toString().equals(reference.toString())
        || !again.apiHost().equals(reference.apiHost())) {
      throw new AssertionError(reference + " normalises to " + again);
    }
  }
}
