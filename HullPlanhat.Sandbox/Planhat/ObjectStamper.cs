using System.Text.Json.Nodes;
using HullPlanhat.Sandbox.Infrastructure;

namespace HullPlanhat.Sandbox.Planhat;

/// <summary>Assigns the server-managed fields: <c>_id</c>, <c>__v</c>, <c>createDate</c>, <c>updatedAt</c>.</summary>
public sealed class ObjectStamper
{
    private readonly ObjectIdGenerator _ids;
    private readonly SandboxClock _clock;

    public ObjectStamper(ObjectIdGenerator ids, SandboxClock clock)
    {
        _ids = ids;
        _clock = clock;
    }

    public string NewId() => _ids.Next();

    /// <summary>Stamps a new object. With <paramref name="keepId"/> an existing <c>_id</c>/dates are kept (seeding).</summary>
    public void StampNew(JsonObject obj, bool keepId)
    {
        var now = _clock.NowIso();
        if (!keepId || JsonBody.KeyOf(obj, "_id") is null)
        {
            obj["_id"] = _ids.Next();
        }

        if (!keepId || !obj.ContainsKey("__v"))
        {
            obj["__v"] = 0;
        }

        if (!keepId || JsonBody.KeyOf(obj, "createDate") is null)
        {
            obj["createDate"] = now;
        }

        if (!keepId || JsonBody.KeyOf(obj, "updatedAt") is null)
        {
            obj["updatedAt"] = now;
        }
    }

    public void Touch(JsonObject obj) => obj["updatedAt"] = _clock.NowIso();
}
