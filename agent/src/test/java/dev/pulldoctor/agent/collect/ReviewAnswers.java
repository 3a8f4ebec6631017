package dev.pulldoctor.agent.collect;

import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatusBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * SubjectAccessReviews answered as an API server answers them, for fabric8's mock server: its CRUD
 * store would only echo a review back without a status. Shared by the collector's tests and the
 * benchmark harness.
 */
public final class ReviewAnswers {
  public static final String PATH = "/apis/authorization.k8s.io/v1/subjectaccessreviews";

  private ReviewAnswers() {}

  /**
   * Answers every review "allowed".
   *
   * @return the reviews asked, in order, as they arrive
   */
  public static List<SubjectAccessReview> allowEvery(KubernetesMockServer server) {
    return answer(server, attributes -> true);
  }

  /**
   * Answers every review by {@code allowed} on its resource attributes.
   *
   * @return the reviews asked, in order, as they arrive
   */
  public static List<SubjectAccessReview> answer(
      KubernetesMockServer server, Predicate<ResourceAttributes> allowed) {
    KubernetesSerialization serialization = new KubernetesSerialization();
    List<SubjectAccessReview> asked = new CopyOnWriteArrayList<>();
    server
        .expect()
        .post()
        .withPath(PATH)
        .andReply(
            201,
            request -> {
              SubjectAccessReview review =
                  serialization.unmarshal(request.getUtf8Body(), SubjectAccessReview.class);
              asked.add(review);
              review.setStatus(
                  new SubjectAccessReviewStatusBuilder()
                      .withAllowed(allowed.test(review.getSpec().getResourceAttributes()))
                      .build());
              return review;
            })
        .always();
    return asked;
  }
}
