package dev.pulldoctor.bench;

import java.util.Map;

/**
 * Requests by kind: LISTs (GET of a collection), SubjectAccessReview POSTs, watches, and anything
 * else (GETs of one object, updates). {@code relists} counts the LISTs that an informer made to
 * start watching again (a LIST of a path followed by a watch of the same path: as many of a path's
 * LISTs as it has watches), the other LISTs being a run's own.
 */
record RequestCounts(long lists, long reviews, long watches, long other, long relists) {
  static RequestCounts of(Map<String, Long> requests) {
    long lists = 0;
    long reviews = 0;
    long watches = 0;
    long other = 0;
    long relists = 0;
    for (Map.Entry<String, Long> entry : requests.entrySet()) {
      String key = entry.getKey();
      long count = entry.getValue();
      if (key.endsWith(" watch")) {
        watches += count;
      } else if (key.startsWith("POST ") && key.endsWith("/subjectaccessreviews")) {
        reviews += count;
      } else if (key.startsWith("GET ") && isCollection(key.substring("GET ".length()))) {
        lists += count;
        relists += Math.min(count, requests.getOrDefault(key + " watch", 0L));
      } else {
        other += count;
      }
    }
    return new RequestCounts(lists, reviews, watches, other, relists);
  }

  long total() {
    return lists + reviews + watches + other;
  }

  /**
   * Whether a path names a collection: after {@code /api/v1} or {@code /apis/GROUP/VERSION}, an odd
   * number of segments ({@code nodes}, {@code namespaces/NS/pods}).
   */
  private static boolean isCollection(String path) {
    String[] segments = path.substring(1).split("/", -1);
    int prefix = segments[0].equals("api") ? 2 : 3;
    return (segments.length - prefix) % 2 == 1;
  }
}
