package dev.archway.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ConditionTimesTest {
  private static JsonNode json(String text) {
    return JsonMapper.shared().readTree(text.replace('\'', '"'));
  }

  @Test
  void newConditionsGetNow() {
    JsonNode status = json("{'conditions':[{'type':'Accepted','status':'True'}]}");
    ConditionTimes.stamp(status, null, "T2");
    assertThat(status.at("/conditions/0/lastTransitionTime").asString()).isEqualTo("T2");
  }

  @Test
  void unchangedStatusKeepsItsTimeAndAChangedOneGetsNow() {
    JsonNode before =
        json(
            "{'conditions':[{'type':'Accepted','status':'True','lastTransitionTime':'T1'},"
                + "{'type':'Programmed','status':'True','lastTransitionTime':'T1'}]}");
    JsonNode now =
        json(
            "{'conditions':[{'type':'Programmed','status':'False'},"
                + "{'type':'Accepted','status':'True','reason':'Other'}]}");
    ConditionTimes.stamp(now, before, "T2");
    assertThat(now.at("/conditions/0/lastTransitionTime").asString()).isEqualTo("T2");
    assertThat(now.at("/conditions/1/lastTransitionTime").asString()).isEqualTo("T1");
  }

  @Test
  void listEntriesAreMatchedByNameOrParentRefNotPosition() {
    JsonNode before =
        json(
            "{'listeners':[{'name':'a','conditions':[{'type':'Accepted','status':'True',"
                + "'lastTransitionTime':'T1'}]}],"
                + "'parents':[{'parentRef':{'name':'gw'},'conditions':[{'type':'Accepted',"
                + "'status':'True','lastTransitionTime':'T1'}]}]}");
    JsonNode now =
        json(
            "{'listeners':[{'name':'b','conditions':[{'type':'Accepted','status':'True'}]},"
                + "{'name':'a','conditions':[{'type':'Accepted','status':'True'}]}],"
                + "'parents':[{'parentRef':{'name':'other'},'conditions':[{'type':'Accepted',"
                + "'status':'True'}]},{'parentRef':{'name':'gw'},'conditions':[{'type':"
                + "'Accepted','status':'True'}]}]}");
    ConditionTimes.stamp(now, before, "T2");
    assertThat(now.at("/listeners/0/conditions/0/lastTransitionTime").asString()).isEqualTo("T2");
    assertThat(now.at("/listeners/1/conditions/0/lastTransitionTime").asString()).isEqualTo("T1");
    assertThat(now.at("/parents/0/conditions/0/lastTransitionTime").asString()).isEqualTo("T2");
    assertThat(now.at("/parents/1/conditions/0/lastTransitionTime").asString()).isEqualTo("T1");
  }
}
