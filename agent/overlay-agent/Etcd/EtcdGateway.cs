using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace CniPlugins.OverlayAgent.Etcd;

/// <summary>
/// The etcd v3 API through etcd's JSON gateway (<c>POST /v3/...</c> on the client port) over one
/// <see cref="HttpClient"/>: no gRPC or protobuf runtime, so the agent stays trim-clean under NativeAOT. Unary
/// calls time out after a few seconds and move to the next endpoint; streams (watch, keepalive) are read line by line.
/// </summary>
internal sealed class EtcdGateway : IDisposable
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly HttpClient _http;
    private readonly Uri[] _endpoints;
    private int _current;

    public EtcdGateway(IReadOnlyList<Uri> endpoints, string? caFile, string? certFile, string? keyFile)
    {
        _endpoints = [.. endpoints];
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(3),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        };
        if (certFile is not null && keyFile is not null)
        {
            handler.SslOptions.ClientCertificates = [X509Certificate2.CreateFromPemFile(certFile, keyFile)];
        }

        if (caFile is not null)
        {
            var trust = new X509Certificate2Collection();
            trust.ImportFromPemFile(caFile);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, errors) => ValidateAgainst(trust, cert, errors);
        }

        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The endpoint the next call goes to (the last one that answered).</summary>
    public Uri Current => _endpoints[_current % _endpoints.Length];

    public Task<RangeResponse> RangeAsync(byte[] key, byte[]? rangeEnd, CancellationToken ct) =>
        CallAsync("/v3/kv/range", new RangeRequest { Key = key, RangeEnd = rangeEnd }, EtcdJsonContext.Default.RangeRequest, EtcdJsonContext.Default.RangeResponse, ct);

    public Task<RangeResponse> PutAsync(byte[] key, byte[] value, long lease, CancellationToken ct) =>
        CallAsync("/v3/kv/put", new PutRequest { Key = key, Value = value, Lease = lease }, EtcdJsonContext.Default.PutRequest, EtcdJsonContext.Default.RangeResponse, ct);

    public Task<RangeResponse> DeleteAsync(byte[] key, byte[]? rangeEnd, CancellationToken ct) =>
        CallAsync("/v3/kv/deleterange", new DeleteRangeRequest { Key = key, RangeEnd = rangeEnd }, EtcdJsonContext.Default.DeleteRangeRequest, EtcdJsonContext.Default.RangeResponse, ct);

    public Task<TxnResponse> TxnAsync(TxnRequest txn, CancellationToken ct) =>
        CallAsync("/v3/kv/txn", txn, EtcdJsonContext.Default.TxnRequest, EtcdJsonContext.Default.TxnResponse, ct);

    public async Task<long> LeaseGrantAsync(long ttl, CancellationToken ct)
    {
        var r = await CallAsync("/v3/lease/grant", new LeaseGrantRequest { Ttl = ttl }, EtcdJsonContext.Default.LeaseGrantRequest, EtcdJsonContext.Default.LeaseGrantResponse, ct);
        return string.IsNullOrEmpty(r.Error) && r.Id != 0 ? r.Id : throw new EtcdException($"lease grant refused: {r.Error}");
    }

    /// <summary>One keepalive: the lease's remaining TTL, 0 when it no longer exists.</summary>
    public async Task<long> LeaseKeepAliveOnceAsync(long id, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(CallTimeout);
        try
        {
            await foreach (var r in StreamAsync("/v3/lease/keepalive", new LeaseKeepAliveRequest { Id = id }, EtcdJsonContext.Default.LeaseKeepAliveRequest,
                               EtcdJsonContext.Default.StreamEnvelopeLeaseKeepAliveResponse, timeout.Token))
            {
                return r.Ttl;
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            _current++;
            throw new EtcdException($"keepalive: no answer within {CallTimeout.TotalSeconds} s");
        }
        catch (JsonException e)
        {
            throw new EtcdException($"keepalive: {e.Message}", e);
        }

        throw new EtcdException("keepalive stream ended without an answer");
    }

    /// <summary>Watch responses of a key range from <paramref name="startRevision"/> until the stream breaks or <paramref name="ct"/> fires.</summary>
    public IAsyncEnumerable<WatchResponse> WatchAsync(byte[] key, byte[] rangeEnd, long startRevision, CancellationToken ct) =>
        StreamAsync("/v3/watch", new WatchRequest { CreateRequest = new WatchCreateRequest { Key = key, RangeEnd = rangeEnd, StartRevision = startRevision } },
            EtcdJsonContext.Default.WatchRequest, EtcdJsonContext.Default.StreamEnvelopeWatchResponse, ct);

    private async Task<TRes> CallAsync<TReq, TRes>(string path, TReq request, JsonTypeInfo<TReq> reqInfo, JsonTypeInfo<TRes> resInfo, CancellationToken ct)
    {
        Exception? last = null;
        for (int i = 0; i < _endpoints.Length; i++)
        {
            var endpoint = Current;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(CallTimeout);
            try
            {
                using var response = await _http.SendAsync(Post(endpoint, path, request, reqInfo), timeout.Token);
                byte[] body = await response.Content.ReadAsByteArrayAsync(timeout.Token);
                if (!response.IsSuccessStatusCode)
                {
                    throw new EtcdException($"{endpoint}{path[1..]}: HTTP {(int)response.StatusCode}: {ErrorText(body)}");
                }

                return JsonSerializer.Deserialize(body, resInfo) ?? throw new EtcdException($"{endpoint}{path[1..]}: empty answer");
            }
            catch (Exception e) when (!ct.IsCancellationRequested && e is HttpRequestException or OperationCanceledException or EtcdException or JsonException)
            {
                last = e is OperationCanceledException ? new EtcdException($"{endpoint}: no answer within {CallTimeout.TotalSeconds} s") : e;
                _current++;
            }
        }

        throw last as EtcdException ?? new EtcdException(last!.Message, last);
    }

    private async IAsyncEnumerable<TRes> StreamAsync<TReq, TRes>(string path, TReq request, JsonTypeInfo<TReq> reqInfo, JsonTypeInfo<StreamEnvelope<TRes>> resInfo,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
        where TRes : class
    {
        var endpoint = Current;
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(Post(endpoint, path, request, reqInfo), HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException e)
        {
            _current++;
            throw new EtcdException($"{endpoint}: {e.Message}", e);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new EtcdException($"{endpoint}{path[1..]}: HTTP {(int)response.StatusCode}");
            }

            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct), Encoding.UTF8);
            while (true)
            {
                string? line;
                try
                {
                    line = await reader.ReadLineAsync(ct);
                }
                catch (Exception e) when (e is IOException or HttpRequestException)
                {
                    throw new EtcdException($"{endpoint}: stream broke: {e.Message}", e);
                }

                if (line is null)
                {
                    yield break;
                }

                if (line.Length == 0)
                {
                    continue;
                }

                var envelope = JsonSerializer.Deserialize(line, resInfo);
                if (envelope?.Error is { } err)
                {
                    throw new EtcdException($"{endpoint}{path[1..]}: {err.Message ?? err.Error}");
                }

                if (envelope?.Result is { } result)
                {
                    yield return result;
                }
            }
        }
    }

    private static HttpRequestMessage Post<TReq>(Uri endpoint, string path, TReq request, JsonTypeInfo<TReq> info)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(request, info));
        content.Headers.ContentType = Json;
        return new HttpRequestMessage(HttpMethod.Post, new Uri(endpoint, path)) { Content = content };
    }

    private static string ErrorText(byte[] body)
    {
        try
        {
            var e = JsonSerializer.Deserialize(body, EtcdJsonContext.Default.GatewayError);
            return e?.Message ?? e?.Error ?? Encoding.UTF8.GetString(body);
        }
        catch (JsonException)
        {
            return Encoding.UTF8.GetString(body);
        }
    }

    /// <summary>The server's certificate must chain to the given CA alone (the system's roots are not consulted); the name must match.</summary>
    private static bool ValidateAgainst(X509Certificate2Collection trust, X509Certificate? cert, SslPolicyErrors errors)
    {
        if (cert is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trust);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(cert as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(cert.GetRawCertData()));
    }

    public void Dispose() => _http.Dispose();
}

internal sealed class EtcdException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Key helpers: etcd keys are bytes; a prefix range ends at the prefix with its last byte plus one.</summary>
internal static class EtcdKey
{
    public static byte[] Of(string key) => Encoding.UTF8.GetBytes(key);

    public static byte[] PrefixEnd(byte[] prefix)
    {
        byte[] end = (byte[])prefix.Clone();
        end[^1]++;
        return end;
    }

    public static string Text(byte[] key) => Encoding.UTF8.GetString(key);
}
