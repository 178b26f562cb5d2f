using SourceSearch.Web;

// The SourceSearch web app: the JSON API and the search page over the index (see SourceSearchApp).
return await SourceSearchApp.RunAsync(args);

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
