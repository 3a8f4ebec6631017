package dev.pulldoctor.agent.collect;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.utils.Utils;
import java.io.File;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Checks the kubeconfig files a connection will read, before fabric8 reads them, and says in one
 * line what is wrong with one: fabric8 throws the YAML parser's own exception for a malformed file,
 * and silently falls back to in-cluster settings when {@code KUBECONFIG} names no file at all. A
 * kubeconfig holds credentials, so no message quotes its content.
 */
final class KubeconfigFiles {
  /** A kubeconfig with a few hundred clusters is well under a megabyte. */
  private static final long MAX_BYTES = 16L << 20;

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private KubeconfigFiles() {}

  /** Checks {@code --kubeconfig} when given, else the files of KUBECONFIG or ~/.kube/config. */
  static void check(@Nullable Path explicit) throws ClusterUnreachableException {
    if (explicit != null) {
      checkFile(explicit, "--kubeconfig", true);
      return;
    }
    String named = Utils.getSystemPropertyOrEnvVar(Config.KUBERNETES_KUBECONFIG_FILE);
    if (named == null || named.isBlank()) {
      // ~/.kube/config, which may be absent: then the in-cluster settings apply.
      for (String file : Config.getKubeconfigFilenames()) {
        checkFile(Path.of(file), null, false);
      }
      return;
    }
    List<Path> files = new ArrayList<>();
    for (String part : Pattern.compile(File.pathSeparator, Pattern.LITERAL).split(named, -1)) {
      if (!part.isBlank()) {
        files.add(Path.of(part.strip()));
      }
    }
    // As kubectl, a missing file in the list is passed over; a list naming no file is an error,
    // or the in-cluster settings would apply without a word.
    boolean any = false;
    for (Path file : files) {
      if (Files.exists(file)) {
        any = true;
        checkFile(file, "KUBECONFIG", false);
      }
    }
    if (!any) {
      throw new ClusterUnreachableException(
          "cannot read kubeconfig "
              + (files.isEmpty() ? named.strip() : files.get(0))
              + ": no such file (named by KUBECONFIG"
              + (files.size() > 1 ? ", as are the other " + (files.size() - 1) + " paths" : "")
              + ")");
    }
  }

  private static void checkFile(Path file, @Nullable String from, boolean mustExist)
      throws ClusterUnreachableException {
    String by = from == null ? "" : " (" + from + ")";
    if (!Files.exists(file)) {
      if (mustExist) {
        throw unreadable(file, "no such file" + by);
      }
      return;
    }
    if (Files.isDirectory(file)) {
      throw unreadable(file, "it is a directory, not a file" + by);
    }
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw unreadable(file, "larger than 16 MiB; is this a kubeconfig?");
      }
      JsonNode root = YAML.readTree(Files.readString(file));
      if (root != null && !root.isMissingNode() && !root.isNull() && !root.isObject()) {
        throw unreadable(
            file, "not a kubeconfig (expected a mapping of clusters, contexts, users)");
      }
    } catch (AccessDeniedException e) {
      throw unreadable(file, "permission denied" + by);
    } catch (CharacterCodingException e) {
      throw unreadable(file, "not UTF-8 text; is this a kubeconfig?");
    } catch (JsonProcessingException e) {
      throw unreadable(file, "invalid YAML" + position(e) + problem(e));
    } catch (IOException e) {
      throw unreadable(file, "cannot read it (" + e.getClass().getSimpleName() + ")");
    }
  }

  static ClusterUnreachableException unreadable(Path file, String what) {
    return new ClusterUnreachableException("cannot read kubeconfig " + file + ": " + what);
  }

  /** Where the parser found the problem (as kubectl says it), else where Jackson's token began. */
  private static String position(JsonProcessingException e) {
    if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
      Mark mark = yaml.getProblemMark();
      return " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
    }
    JsonLocation location = e.getLocation();
    if (location == null || location.getLineNr() < 1) {
      return "";
    }
    return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
  }

  private static String problem(JsonProcessingException e) {
    if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblem() != null) {
      return ": " + ParseErrors.withoutQuotes(yaml.getProblem());
    }
    return "";
  }
}
