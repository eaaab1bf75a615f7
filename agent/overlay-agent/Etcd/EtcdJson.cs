using System.Text.Json.Serialization;

namespace CniPlugins.OverlayAgent.Etcd;

// The etcd v3 API's messages as its JSON gateway (grpc-gateway, proto field names) speaks them: 64-bit integers are
// strings, bytes are base64, fields at their default value are left out. Only the fields the agent uses.

internal sealed class ResponseHeader
{
    [JsonPropertyName("revision")]
    public long Revision { get; set; }
}

internal sealed class KeyValue
{
    [JsonPropertyName("key")]
    public byte[] Key { get; set; } = [];

    [JsonPropertyName("create_revision")]
    public long CreateRevision { get; set; }

    [JsonPropertyName("mod_revision")]
    public long ModRevision { get; set; }

    [JsonPropertyName("value")]
    public byte[]? Value { get; set; }

    [JsonPropertyName("lease")]
    public long Lease { get; set; }
}

internal sealed class RangeRequest
{
    [JsonPropertyName("key")]
    public byte[] Key { get; set; } = [];

    [JsonPropertyName("range_end")]
    public byte[]? RangeEnd { get; set; }
}

internal sealed class RangeResponse
{
    [JsonPropertyName("header")]
    public ResponseHeader Header { get; set; } = new();

    [JsonPropertyName("kvs")]
    public List<KeyValue>? Kvs { get; set; }
}

internal sealed class PutRequest
{
    [JsonPropertyName("key")]
    public byte[] Key { get; set; } = [];

    [JsonPropertyName("value")]
    public byte[] Value { get; set; } = [];

    [JsonPropertyName("lease")]
    public long Lease { get; set; }
}

internal sealed class DeleteRangeRequest
{
    [JsonPropertyName("key")]
    public byte[] Key { get; set; } = [];

    [JsonPropertyName("range_end")]
    public byte[]? RangeEnd { get; set; }
}

internal sealed class Compare
{
    [JsonPropertyName("result")]
    public string Result { get; set; } = "EQUAL";

    /// <summary>CREATE or MOD: which revision of the key is compared.</summary>
    [JsonPropertyName("target")]
    public string Target { get; set; } = "CREATE";

    [JsonPropertyName("key")]
    public byte[] Key { get; set; } = [];

    [JsonPropertyName("create_revision")]
    public long? CreateRevision { get; set; }

    [JsonPropertyName("mod_revision")]
    public long? ModRevision { get; set; }
}

internal sealed class RequestOp
{
    [JsonPropertyName("request_range")]
    public RangeRequest? RequestRange { get; set; }

    [JsonPropertyName("request_put")]
    public PutRequest? RequestPut { get; set; }

    [JsonPropertyName("request_delete_range")]
    public DeleteRangeRequest? RequestDeleteRange { get; set; }
}

internal sealed class TxnRequest
{
    [JsonPropertyName("compare")]
    public List<Compare> Compare { get; set; } = [];

    [JsonPropertyName("success")]
    public List<RequestOp> Success { get; set; } = [];

    [JsonPropertyName("failure")]
    public List<RequestOp> Failure { get; set; } = [];
}

internal sealed class ResponseOp
{
    [JsonPropertyName("response_range")]
    public RangeResponse? ResponseRange { get; set; }
}

internal sealed class TxnResponse
{
    [JsonPropertyName("header")]
    public ResponseHeader Header { get; set; } = new();

    [JsonPropertyName("succeeded")]
    public bool Succeeded { get; set; }

    [JsonPropertyName("responses")]
    public List<ResponseOp>? Responses { get; set; }
}

internal sealed class LeaseGrantRequest
{
    [JsonPropertyName("TTL")]
    public long Ttl { get; set; }
}

internal sealed class LeaseGrantResponse
{
    [JsonPropertyName("ID")]
    public long Id { get; set; }

    [JsonPropertyName("TTL")]
    public long Ttl { get; set; }

    [JsonPropertyName("error")]
    public string? Error { get; set; }
}

internal sealed class LeaseKeepAliveRequest
{
    [JsonPropertyName("ID")]
    public long Id { get; set; }
}

internal sealed class LeaseKeepAliveResponse
{
    [JsonPropertyName("ID")]
    public long Id { get; set; }

    /// <summary>0 when the lease no longer exists (it expired).</summary>
    [JsonPropertyName("TTL")]
    public long Ttl { get; set; }
}

internal sealed class WatchCreateRequest
{
    [JsonPropertyName("key")]
    public byte[] Key { get; set; } = [];

    [JsonPropertyName("range_end")]
    public byte[]? RangeEnd { get; set; }

    [JsonPropertyName("start_revision")]
    public long StartRevision { get; set; }

    [JsonPropertyName("prev_kv")]
    public bool PrevKv { get; set; }
}

internal sealed class WatchRequest
{
    [JsonPropertyName("create_request")]
    public WatchCreateRequest? CreateRequest { get; set; }
}

internal sealed class Event
{
    /// <summary>PUT is the default (left out); DELETE when a key went, by delete or by its lease's expiry.</summary>
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("kv")]
    public KeyValue Kv { get; set; } = new();

    [JsonIgnore]
    public bool IsDelete => Type == "DELETE";
}

internal sealed class WatchResponse
{
    [JsonPropertyName("header")]
    public ResponseHeader Header { get; set; } = new();

    [JsonPropertyName("created")]
    public bool Created { get; set; }

    [JsonPropertyName("canceled")]
    public bool Canceled { get; set; }

    [JsonPropertyName("compact_revision")]
    public long CompactRevision { get; set; }

    [JsonPropertyName("cancel_reason")]
    public string? CancelReason { get; set; }

    [JsonPropertyName("events")]
    public List<Event>? Events { get; set; }
}

/// <summary>A streamed message: each line of a streaming response is <c>{"result": ...}</c> or <c>{"error": ...}</c>.</summary>
internal sealed class StreamEnvelope<T>
{
    [JsonPropertyName("result")]
    public T? Result { get; set; }

    [JsonPropertyName("error")]
    public GatewayError? Error { get; set; }
}

internal sealed class GatewayError
{
    [JsonPropertyName("message")]
    public string? Message { get; set; }

    [JsonPropertyName("error")]
    public string? Error { get; set; }

    [JsonPropertyName("code")]
    public int Code { get; set; }
}

[JsonSourceGenerationOptions(
    NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RangeRequest))]
[JsonSerializable(typeof(RangeResponse))]
[JsonSerializable(typeof(PutRequest))]
[JsonSerializable(typeof(DeleteRangeRequest))]
[JsonSerializable(typeof(TxnRequest))]
[JsonSerializable(typeof(TxnResponse))]
[JsonSerializable(typeof(LeaseGrantRequest))]
[JsonSerializable(typeof(LeaseGrantResponse))]
[JsonSerializable(typeof(LeaseKeepAliveRequest))]
[JsonSerializable(typeof(StreamEnvelope<LeaseKeepAliveResponse>))]
[JsonSerializable(typeof(WatchRequest))]
[JsonSerializable(typeof(StreamEnvelope<WatchResponse>))]
[JsonSerializable(typeof(GatewayError))]
internal sealed partial class EtcdJsonContext : JsonSerializerContext
{
}
