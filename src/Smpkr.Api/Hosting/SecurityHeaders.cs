namespace Smpkr.Api.Hosting;

internal static class SecurityHeaders
{
    /// <summary>HSTS and HTTPS redirection outside Development, and headers that stop sniffing and framing.</summary>
    public static void UseSecurityHeaders(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment() && app.Configuration.GetValue("Https:Redirect", true))
        {
            app.UseHsts();
            app.UseHttpsRedirection();
        }

        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            return next(context);
        });
    }
}
