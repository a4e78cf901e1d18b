using System.Security.Cryptography;

namespace HullPlanhat.Sandbox.Infrastructure;

/// <summary>Makes MongoDB-ObjectId-like 24-hex ids: 4 bytes of unix seconds, 5 random bytes, 3 counter bytes.</summary>
public sealed class ObjectIdGenerator
{
    private readonly TimeProvider _time;
    private readonly byte[] _random = RandomNumberGenerator.GetBytes(5);
    private int _counter = RandomNumberGenerator.GetInt32(0, 0xFFFFFF);

    public ObjectIdGenerator(TimeProvider time) => _time = time;

    public string Next()
    {
        Span<byte> bytes = stackalloc byte[12];
        var seconds = (uint)_time.GetUtcNow().ToUnixTimeSeconds();
        bytes[0] = (byte)(seconds >> 24);
        bytes[1] = (byte)(seconds >> 16);
        bytes[2] = (byte)(seconds >> 8);
        bytes[3] = (byte)seconds;
        _random.CopyTo(bytes[4..]);
        var counter = Interlocked.Increment(ref _counter) & 0xFFFFFF;
        bytes[9] = (byte)(counter >> 16);
        bytes[10] = (byte)(counter >> 8);
        bytes[11] = (byte)counter;
        return Convert.ToHexStringLower(bytes);
    }
}
