package io.mqttdispatcher.dispatcher.ctl;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A client of one dispatcher's admin HTTP API, for the {@code dispatcher ctl} commands: JSON in,
 * JSON out, the bearer token on every request. Errors a user can act on (unreachable dispatcher,
 * timeout, an answer that is not JSON) are thrown as {@link IllegalStateException} with one line.
 */
public final class AdminClient {
  /** How long one request may take. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /** One answer: the HTTP status and the JSON body (an empty object when there was none). */
  public record Response(int status, JsonObject body) {
    /** Whether the status is 2xx. */
    public boolean ok() {
      return status >= 200 && status < 300;
    }

    /** The API's {@code error} message, or the status when the body has none. */
    public String error() {
      String e = body.getString("error");
      return e != null ? e : "HTTP " + status;
    }
  }

  private final URI base;
  private final byte @Nullable [] token;
  private final Duration timeout;
  private final HttpClient http;

  /**
   * @param base the admin API, for example {@code http://127.0.0.1:8080}
   * @param token the bearer token ({@code --admin-token-file}), or null for read-only use
   */
  public AdminClient(URI base, byte @Nullable [] token, Duration timeout) {
    String s = base.toString();
    this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    this.token = token == null ? null : token.clone();
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  public Response get(String path) {
    return send(request(path).GET());
  }

  public Response post(String path, @Nullable JsonObject body) {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : body.encode())));
  }

  public Response delete(String path) {
    return send(request(path).DELETE());
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(timeout)
            .header("Accept", "application/json");
    if (token != null) {
      b.header("Authorization", "Bearer " + new String(token, StandardCharsets.UTF_8));
    }
    return b;
  }

  private Response send(HttpRequest.Builder builder) {
    HttpRequest request = builder.build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpTimeoutException e) {
      throw new IllegalStateException(
          "the dispatcher at " + base + " did not answer within " + timeout.toSeconds() + " s");
    } catch (ConnectException e) {
      throw new IllegalStateException(
          "cannot reach the dispatcher's admin API at " + base + " (is --admin right?)");
    } catch (IOException e) {
      throw new IllegalStateException("request to " + base + " failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + base);
    }
    String text = response.body();
    if (text == null || text.isBlank()) {
      return new Response(response.statusCode(), new JsonObject());
    }
    try {
      return new Response(response.statusCode(), new JsonObject(text));
    } catch (DecodeException e) {
      throw new IllegalStateException(
          base
              + request.uri().getPath()
              + " answered HTTP "
              + response.statusCode()
              + " with something that is not JSON; is --admin the dispatcher's admin API?");
    }
  }
}
