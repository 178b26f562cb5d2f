using System.Text;
using SourceSearch.Cli;

// UTF-8 without a byte-order mark on every stream, whatever the locale says.
var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
using var stdout = new StreamWriter(Console.OpenStandardOutput(), utf8) { AutoFlush = false };
using var stderr = new StreamWriter(Console.OpenStandardError(), utf8) { AutoFlush = true };
using var stdin = new StreamReader(Console.OpenStandardInput(), utf8);

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };

int code = await CliApp.RunAsync(args, stdin, stdout, stderr, cancel.Token, errorIsTerminal: !Console.IsErrorRedirected);
await stdout.FlushAsync();
return code;
