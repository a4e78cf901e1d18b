using HullPlanhat.Functions;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);

// ASP.NET Core integration: HTTP triggers take HttpRequest and return IActionResult.
builder.ConfigureFunctionsWebApplication();

// The one registration the tests also build and invoke every function class against.
builder.Services.AddConnectorFunctions(builder.Configuration);

builder.Build().Run();
