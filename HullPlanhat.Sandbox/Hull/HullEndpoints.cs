namespace HullPlanhat.Sandbox.Hull;

/// <summary>Hull's side under <c>/hull</c>: the public key URL and the firehose.</summary>
public sealed class HullEndpoints
{
    public const string Prefix = "/hull";
    private readonly HullKeys _keys;
    private readonly FirehoseSink _firehose;

    public HullEndpoints(HullKeys keys, FirehoseSink firehose)
    {
        _keys = keys;
        _firehose = firehose;
    }

    public void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Prefix);

        // Hull's protocol POSTs the signature as the body; it is ignored. GET is accepted too for convenience.
        group.MapMethods("/public-key", [HttpMethods.Post, HttpMethods.Get], () =>
            Results.Text(_keys.ServePublicKey(), "text/plain"));
        group.MapPost("/firehose", (Delegate)_firehose.HandleAsync);
    }
}
