using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MessagingClients.AspNetCore;

/// <summary>
/// The default <see cref="IPostbackStore"/>: an append-only file of JSON lines (<c>postbacks.jsonl</c>) in a directory.
/// </summary>
/// <remarks>
/// <para>Each received postback is one line holding the raw body (base64), the time received, the sender's address, the
/// kept headers and the de-duplication key; each state change (processed, failed, retry pending, unparseable) is another
/// line. Nothing is ever rewritten. A write returns only after the data is flushed to the disk
/// (<see cref="FileStream.Flush(bool)"/> with <c>flushToDisk</c>); concurrent writes share one flush.</para>
/// <para>On open the file is read back: postbacks without a final state are pending again, and every key is known, so a
/// redelivery after a restart is still recognized. A line cut short by a crash is skipped (its postback was never
/// acknowledged, so the provider delivers it again). The keys of all postbacks and the full records of unfinished ones stay
/// in memory; processed bodies stay only in the file.</para>
/// <para>One process per directory: a lock file (<c>postbacks.lock</c>) refuses a second store on the same directory.</para>
/// </remarks>
public sealed partial class FilePostbackStore : IPostbackStore, IAsyncDisposable, IDisposable
{
    /// <summary>The name of the data file in the directory.</summary>
    public const string FileName = "postbacks.jsonl";

    /// <summary>The name of the lock file in the directory.</summary>
    public const string LockFileName = "postbacks.lock";

    private const int MaxBatch = 512;

    private readonly object _gate = new();
    private readonly Dictionary<string, Entry> _unfinished = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task> _keys = new(StringComparer.Ordinal);
    private readonly Channel<Write> _writes = Channel.CreateUnbounded<Write>(new UnboundedChannelOptions { SingleReader = true });
    private readonly FileStream _lock;
    private readonly FileStream _file;
    private readonly Task _writer;
    private readonly ILogger _logger;
    private long _sequence;
    private bool _needsNewline;
    private int _disposed;

    /// <summary>Opens (or creates) the store in <paramref name="directory"/> and reads back what it holds.</summary>
    /// <param name="directory">The directory; created when missing.</param>
    /// <param name="logger">Logs skipped (torn) lines; optional.</param>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty.</exception>
    /// <exception cref="IOException">The directory is in use by another store, or cannot be read or written.</exception>
    public FilePostbackStore(string directory, ILogger<FilePostbackStore>? logger = null)
    {
        if (string.IsNullOrWhiteSpace(directory))
        {
            throw new ArgumentException("The store directory is required.", nameof(directory));
        }

        _logger = (ILogger?)logger ?? NullLogger.Instance;
        Directory.CreateDirectory(directory);
        FilePath = Path.GetFullPath(Path.Combine(directory, FileName));
        _lock = new FileStream(Path.Combine(directory, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        try
        {
            Load();
            _file = new FileStream(FilePath, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0);
        }
        catch
        {
            _lock.Dispose();
            throw;
        }

        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>The full path of the data file.</summary>
    public string FilePath { get; }

    /// <summary>How many lines could not be read when the store was opened (a line cut short by a crash, typically).</summary>
    public int SkippedLines { get; private set; }

    /// <inheritdoc />
    public async ValueTask<bool> TryAddAsync(StoredPostback postback, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(postback);
        var line = Serialize(new StoreLine
        {
            Type = StoreLine.Add,
            Id = postback.Id,
            Key = postback.DeduplicationKey,
            At = postback.ReceivedAt,
            Ip = postback.RemoteIp,
            Headers = postback.Headers.Count == 0 ? null : new Dictionary<string, string>(postback.Headers, StringComparer.OrdinalIgnoreCase),
            Body = postback.Body.ToArray(),
            State = postback.State,
            Attempts = postback.Attempts,
            Error = postback.LastError,
        });

        while (true)
        {
            Task? earlier;
            Write? mine = null;
            lock (_gate)
            {
                ThrowIfDisposed();
                if (!_keys.TryGetValue(postback.DeduplicationKey, out earlier))
                {
                    var entry = new Entry(postback, ++_sequence);
                    mine = new Write(line, () => _unfinished[postback.Id] = entry);
                    _keys[postback.DeduplicationKey] = mine.Done.Task;
                    if (!_writes.Writer.TryWrite(mine))
                    {
                        _keys.Remove(postback.DeduplicationKey);
                        throw new ObjectDisposedException(nameof(FilePostbackStore));
                    }
                }
            }

            if (mine is null)
            {
                try
                {
                    // The same key is stored, or being stored: a redelivery once that write is durable.
                    await earlier!.WaitAsync(cancellationToken).ConfigureAwait(false);
                    return false;
                }
                catch (Exception) when (!cancellationToken.IsCancellationRequested && earlier!.IsFaulted)
                {
                    continue;   // the earlier write failed (and was forgotten): store this one
                }
            }

            try
            {
                await mine.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (Exception) when (mine.Done.Task.IsFaulted)
            {
                lock (_gate)
                {
                    if (_keys.TryGetValue(postback.DeduplicationKey, out var current) && current == mine.Done.Task)
                    {
                        _keys.Remove(postback.DeduplicationKey);
                    }
                }

                throw;
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask SetStateAsync(string id, PostbackState state, int attempts, string? lastError, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var line = Serialize(new StoreLine { Type = StoreLine.SetState, Id = id, State = state, Attempts = attempts, Error = lastError });
        var write = new Write(line, () =>
        {
            if (_unfinished.TryGetValue(id, out var entry))
            {
                if (state == PostbackState.Processed)
                {
                    _unfinished.Remove(id);
                }
                else
                {
                    entry.Update(state, attempts, lastError);
                }
            }
        });
        lock (_gate)
        {
            ThrowIfDisposed();
            if (!_writes.Writer.TryWrite(write))
            {
                throw new ObjectDisposedException(nameof(FilePostbackStore));
            }
        }

        await write.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask<StoredPostback?> GetAsync(string id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return new ValueTask<StoredPostback?>(_unfinished.TryGetValue(id, out var entry) ? entry.Snapshot() : null);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<StoredPostback>> ListAsync(PostbackState state, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<StoredPostback> list = _unfinished.Values.Where(e => e.State == state).OrderBy(e => e.Sequence).Select(e => e.Snapshot()).ToList();
            return new ValueTask<IReadOnlyList<StoredPostback>>(list);
        }
    }

    /// <summary>Finishes pending writes and closes the file.</summary>
    /// <returns>A task that completes when the file is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        lock (_gate)
        {
            _writes.Writer.TryComplete();
        }

        await _writer.ConfigureAwait(false);
        await _file.DisposeAsync().ConfigureAwait(false);
        await _lock.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Finishes pending writes and closes the file.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private void ThrowIfDisposed()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            throw new ObjectDisposedException(nameof(FilePostbackStore));
        }
    }

    private static byte[] Serialize(StoreLine line)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(line, StoreJsonContext.Default.StoreLine);
        var bytes = new byte[json.Length + 1];
        json.CopyTo(bytes, 0);
        bytes[^1] = (byte)'\n';
        return bytes;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Write>(MaxBatch);
        var reader = _writes.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && reader.TryRead(out var write))
            {
                batch.Add(write);
            }

            try
            {
                if (_needsNewline)
                {
                    _file.WriteByte((byte)'\n');   // end a line cut short by a crash or a failed write
                }

                foreach (var write in batch)
                {
                    _file.Write(write.Line);
                }

                _file.Flush(flushToDisk: true);
                _needsNewline = false;
            }
            catch (Exception ex)
            {
                _needsNewline = true;
                Log.WriteFailed(_logger, batch.Count, ex);
                foreach (var write in batch)
                {
                    write.Done.TrySetException(ex);
                }

                continue;
            }

            lock (_gate)
            {
                foreach (var write in batch)
                {
                    write.Apply();
                }
            }

            foreach (var write in batch)
            {
                write.Done.TrySetResult();
            }
        }
    }

    private void Load()
    {
        if (!File.Exists(FilePath))
        {
            return;
        }

        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        var keyIds = new Dictionary<string, string>(StringComparer.Ordinal);
        var all = new Dictionary<string, Entry>(StringComparer.Ordinal);
        using (var stream = new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            if (stream.Length > 0)
            {
                stream.Seek(-1, SeekOrigin.End);
                _needsNewline = stream.ReadByte() != '\n';
                stream.Seek(0, SeekOrigin.Begin);
            }

            using var text = new StreamReader(stream, new UTF8Encoding(false));
            var number = 0;
            while (text.ReadLine() is { } raw)
            {
                number++;
                if (raw.Length == 0)
                {
                    continue;
                }

                StoreLine? line;
                try
                {
                    line = JsonSerializer.Deserialize(raw, StoreJsonContext.Default.StoreLine);
                }
                catch (JsonException)
                {
                    line = null;
                }

                if (line?.Id is null || !Apply(line, all, keyIds, aliases))
                {
                    SkippedLines++;
                    Log.LineSkipped(_logger, FilePath, number);
                }
            }
        }

        foreach (var entry in all.Values)
        {
            _keys[entry.Key] = Task.CompletedTask;
            if (entry.State != PostbackState.Processed)
            {
                _unfinished[entry.Id] = entry;
            }
        }
    }

    private bool Apply(StoreLine line, Dictionary<string, Entry> all, Dictionary<string, string> keyIds, Dictionary<string, string> aliases)
    {
        var id = line.Id!;
        if (line.Type == StoreLine.Add)
        {
            if (line.Key is null || line.Body is null || line.At is null)
            {
                return false;
            }

            if (keyIds.TryGetValue(line.Key, out var existing))
            {
                // Stored twice (a write reported as failed that reached the disk, then the redelivery): one postback.
                aliases[id] = existing;
                return true;
            }

            keyIds[line.Key] = id;

            all[id] = new Entry(
                new StoredPostback
                {
                    Id = id,
                    DeduplicationKey = line.Key,
                    ReceivedAt = line.At.Value,
                    RemoteIp = line.Ip,
                    Headers = line.Headers ?? new Dictionary<string, string>(),
                    Body = line.Body,
                    State = line.State,
                    Attempts = line.Attempts,
                    LastError = line.Error,
                },
                ++_sequence);
            return true;
        }

        if (line.Type == StoreLine.SetState)
        {
            if (aliases.TryGetValue(id, out var alias))
            {
                id = alias;
            }

            if (all.TryGetValue(id, out var entry) && entry.State != PostbackState.Processed)
            {
                entry.Update(line.State, line.Attempts, line.Error);
            }

            return true;
        }

        return false;
    }

    private sealed class Write
    {
        public Write(byte[] line, Action apply)
        {
            Line = line;
            Apply = apply;
        }

        public byte[] Line { get; }

        public Action Apply { get; }

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Entry
    {
        private readonly StoredPostback _original;

        public Entry(StoredPostback original, long sequence)
        {
            _original = original;
            Sequence = sequence;
            State = original.State;
            Attempts = original.Attempts;
            Error = original.LastError;
        }

        public string Id => _original.Id;

        public string Key => _original.DeduplicationKey;

        public long Sequence { get; }

        public PostbackState State { get; private set; }

        public int Attempts { get; private set; }

        public string? Error { get; private set; }

        public void Update(PostbackState state, int attempts, string? error)
        {
            State = state;
            Attempts = attempts;
            Error = error;
        }

        public StoredPostback Snapshot() => new()
        {
            Id = _original.Id,
            DeduplicationKey = _original.DeduplicationKey,
            ReceivedAt = _original.ReceivedAt,
            RemoteIp = _original.RemoteIp,
            Headers = _original.Headers,
            Body = _original.Body,
            State = State,
            Attempts = Attempts,
            LastError = Error,
        };
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4550, Level = LogLevel.Warning, Message = "Postback store {Path}: line {Line} could not be read and is skipped (cut short by a crash?)")]
        public static partial void LineSkipped(ILogger logger, string path, int line);

        [LoggerMessage(EventId = 4551, Level = LogLevel.Error, Message = "Postback store: writing {Count} record(s) failed")]
        public static partial void WriteFailed(ILogger logger, int count, Exception exception);
    }
}

/// <summary>One line of the store file.</summary>
internal sealed class StoreLine
{
    public const string Add = "add";
    public const string SetState = "state";

    [JsonPropertyName("t")]
    public string? Type { get; set; }

    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("key")]
    public string? Key { get; set; }

    [JsonPropertyName("at")]
    public DateTimeOffset? At { get; set; }

    [JsonPropertyName("ip")]
    public string? Ip { get; set; }

    [JsonPropertyName("h")]
    public Dictionary<string, string>? Headers { get; set; }

    [JsonPropertyName("b")]
#pragma warning disable CA1819 // the base64 body of a serialized line
    public byte[]? Body { get; set; }
#pragma warning restore CA1819

    [JsonPropertyName("s")]
    public PostbackState State { get; set; }

    [JsonPropertyName("n")]
    public int Attempts { get; set; }

    [JsonPropertyName("e")]
    public string? Error { get; set; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(StoreLine))]
internal sealed partial class StoreJsonContext : JsonSerializerContext
{
}
