using SourceSearch.Web;

// The SourceSearch web app: the JSON API and the search page over the index (see SourceSearchApp).
var app = await SourceSearchApp.BuildAsync(args);
await app.RunAsync();
