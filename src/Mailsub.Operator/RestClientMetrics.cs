using System.Diagnostics;
using System.Globalization;
using Prometheus;

namespace Mailsub.Operator;

/// <summary>
/// The API requests under client-go's names, as controller-runtime registers them:
/// rest_client_requests_total by code (the status code, or "&lt;error&gt;" when no response came),
/// method and host, and rest_client_request_duration_seconds by verb and host. A request lasts
/// until its response headers, so a watch counts once, when it starts.
/// </summary>
public sealed class RestClientMetrics
{
    private readonly Counter _requests;
    private readonly Histogram _duration;

    internal RestClientMetrics(IMetricFactory factory)
    {
        _requests = factory.CreateCounter("rest_client_requests_total", "Number of HTTP requests, partitioned by status code, method, and host.",
            new CounterConfiguration { LabelNames = ["code", "method", "host"] });
        _duration = factory.CreateHistogram("rest_client_request_duration_seconds", "Request latency in seconds. Broken down by verb and host.",
            new HistogramConfiguration { LabelNames = ["verb", "host"], Buckets = [0.005, 0.025, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0] });
    }

    /// <summary>Puts the measuring handler in front of <paramref name="transport"/> (ApiConnection's wrapTransport).</summary>
    public HttpMessageHandler Wrap(HttpMessageHandler transport) => new MeasuringHandler(this) { InnerHandler = transport };

    private sealed class MeasuringHandler(RestClientMetrics metrics) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var method = request.Method.Method;
            var host = request.RequestUri?.Authority ?? "";
            var started = Stopwatch.GetTimestamp();
            var code = "<error>";
            try
            {
                var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
                code = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
                return response;
            }
            finally
            {
                metrics._requests.WithLabels(code, method, host).Inc();
                metrics._duration.WithLabels(method, host).Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
            }
        }
    }
}
