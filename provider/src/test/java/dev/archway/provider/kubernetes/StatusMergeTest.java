package dev.archway.provider.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class StatusMergeTest {
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final String OURS = "archway.dev/gateway-controller";
  private static final String NOW = "2026-01-02T03:04:05Z";
  private static final String THEN = "2025-01-01T00:00:00Z";

  private final StatusMerge merge = new StatusMerge(OURS);

  private static ObjectNode json(String text) {
    return (ObjectNode) JSON.readTree(text.replace('\'', '"'));
  }

  private static String parent(String gateway, String controller, String status, String time) {
    return "{'parentRef':{'name':'"
        + gateway
        + "'},'controllerName':'"
        + controller
        + "','conditions':[{'type':'Accepted','status':'"
        + status
        + "','reason':'Accepted','observedGeneration':2"
        + (time == null ? "" : ",'lastTransitionTime':'" + time + "'")
        + "}]}";
  }

  @Test
  void routeParentsKeepOtherControllersAndDropOurStaleEntries() {
    JsonNode existing =
        json(
            "{'parents':["
                + parent("removed", OURS, "True", THEN)
                + ","
                + parent("theirs", "example.com/other", "False", THEN)
                + ","
                + parent("gw", OURS, "True", THEN)
                + "]}");
    ObjectNode desired = json("{'parents':[" + parent("gw", OURS, "True", null) + "]}");

    ObjectNode merged = merge.merge(desired, existing, NOW);

    assertThat(merged.get("parents")).hasSize(2);
    JsonNode ours = merged.get("parents").get(0);
    assertThat(ours.at("/parentRef/name").asString()).isEqualTo("gw");
    // Status unchanged: the time on the server stays.
    assertThat(ours.at("/conditions/0/lastTransitionTime").asString()).isEqualTo(THEN);
    JsonNode theirs = merged.get("parents").get(1);
    assertThat(theirs).isEqualTo(existing.get("parents").get(1));
  }

  @Test
  void changedConditionGetsNowAndNewConditionGetsNow() {
    JsonNode existing = json("{'parents':[" + parent("gw", OURS, "False", THEN) + "]}");
    ObjectNode desired =
        json(
            "{'parents':["
                + parent("gw", OURS, "True", null)
                + ","
                + parent("gw2", OURS, "True", null)
                + "]}");

    ObjectNode merged = merge.merge(desired, existing, NOW);

    assertThat(merged.at("/parents/0/conditions/0/lastTransitionTime").asString()).isEqualTo(NOW);
    assertThat(merged.at("/parents/1/conditions/0/lastTransitionTime").asString()).isEqualTo(NOW);
  }

  @Test
  void sameParentRefOfAnotherControllerIsNotOurCounterpart() {
    JsonNode existing =
        json("{'parents':[" + parent("gw", "example.com/other", "True", THEN) + "]}");
    ObjectNode desired = json("{'parents':[" + parent("gw", OURS, "True", null) + "]}");

    ObjectNode merged = merge.merge(desired, existing, NOW);

    assertThat(merged.at("/parents/0/conditions/0/lastTransitionTime").asString()).isEqualTo(NOW);
    assertThat(merged.at("/parents/1/conditions/0/lastTransitionTime").asString()).isEqualTo(THEN);
  }

  @Test
  void gatewayConditionsAndListenersAreStampedByTypeAndName() {
    JsonNode existing =
        json(
            "{'conditions':[{'type':'Accepted','status':'True','reason':'Accepted','lastTransitionTime':'"
                + THEN
                + "'},{'type':'Programmed','status':'Unknown','reason':'Pending','lastTransitionTime':'"
                + THEN
                + "'},{'type':'example.com/Audited','status':'True','reason':'Ok','lastTransitionTime':'"
                + THEN
                + "'}],'listeners':[{'name':'http','attachedRoutes':0,'conditions':[{'type':'Accepted','status':'True','reason':'Accepted','lastTransitionTime':'"
                + THEN
                + "'}]}]}");
    ObjectNode desired =
        json(
            "{'conditions':[{'type':'Accepted','status':'True','reason':'Accepted','message':'new message'},"
                + "{'type':'Programmed','status':'True','reason':'Programmed'}],"
                + "'listeners':[{'name':'http','attachedRoutes':1,'conditions':[{'type':'Accepted','status':'True','reason':'Accepted'}]}]}");

    ObjectNode merged = merge.merge(desired, existing, NOW);

    assertThat(merged.at("/conditions/0/lastTransitionTime").asString()).isEqualTo(THEN);
    assertThat(merged.at("/conditions/1/lastTransitionTime").asString()).isEqualTo(NOW);
    // A condition type the Gateway API does not define belongs to someone else: kept.
    assertThat(merged.at("/conditions/2/type").asString()).isEqualTo("example.com/Audited");
    assertThat(merged.at("/listeners/0/conditions/0/lastTransitionTime").asString())
        .isEqualTo(THEN);
  }

  @Test
  void sameIgnoresTimesAndEmptyValues() {
    JsonNode a =
        json(
            "{'conditions':[{'type':'Accepted','status':'True','lastTransitionTime':'"
                + THEN
                + "'}],'addresses':[]}");
    JsonNode b =
        json(
            "{'conditions':[{'type':'Accepted','status':'True','lastTransitionTime':'"
                + NOW
                + "'}]}");
    JsonNode c = json("{'conditions':[{'type':'Accepted','status':'False'}]}");

    assertThat(StatusMerge.same(a, b)).isTrue();
    assertThat(StatusMerge.same(a, c)).isFalse();
  }

  @Test
  void noDesiredStatusRemovesOnlyOurParents() {
    JsonNode existing =
        json(
            "{'parents':["
                + parent("gw", OURS, "True", THEN)
                + ","
                + parent("theirs", "example.com/other", "True", THEN)
                + "]}");

    ObjectNode merged = merge.merge(null, existing, NOW);

    assertThat(merged.get("parents")).hasSize(1);
    assertThat(merged.at("/parents/0/controllerName").asString()).isEqualTo("example.com/other");
  }
}
