package dev.tiergate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpMethod;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteTest {
    private final GatewayHttpHandler.Route item = new GatewayHttpHandler.Route(HttpMethod.GET, "/v1/responses/{id}");
    private final GatewayHttpHandler.Route items =
            new GatewayHttpHandler.Route(HttpMethod.GET, "/v1/responses/{id}/input_items");

    @Test
    void aParameterMatchesOneNonEmptySegment() {
        assertThat(item.hasParameters()).isTrue();
        assertThat(item.match(HttpMethod.GET, "/v1/responses/resp_1")).isEqualTo(Map.of("id", "resp_1"));
        assertThat(items.match(HttpMethod.GET, "/v1/responses/resp_1/input_items")).isEqualTo(Map.of("id", "resp_1"));
        assertThat(item.match(HttpMethod.GET, "/v1/responses/")).isNull();
        assertThat(item.match(HttpMethod.GET, "/v1/responses/resp_1/input_items")).isNull();
        assertThat(items.match(HttpMethod.GET, "/v1/responses/resp_1/other")).isNull();
        assertThat(item.match(HttpMethod.GET, "/v1/responses")).isNull();
        assertThat(item.match(HttpMethod.GET, "/v2/responses/resp_1")).isNull();
    }

    @Test
    void theMethodMustMatchToo() {
        assertThat(item.match(HttpMethod.DELETE, "/v1/responses/resp_1")).isNull();
    }

    @Test
    void aRouteWithoutParametersMatchesOnlyItsPath() {
        GatewayHttpHandler.Route exact = new GatewayHttpHandler.Route(HttpMethod.POST, "/v1/responses");
        assertThat(exact.hasParameters()).isFalse();
        assertThat(exact.match(HttpMethod.POST, "/v1/responses")).isEmpty();
        assertThat(exact.match(HttpMethod.POST, "/v1/responses/x")).isNull();
    }
}
