using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace MessagingClients.Dispatch;

/// <summary>
/// A dead-letter store in an append-only JSON-lines file (UTF-8, one JSON object per line). Every record is written and flushed
/// to disk (<c>FileStream.Flush(true)</c>, an fsync) before <see cref="AddAsync"/> or <see cref="RemoveAsync"/> completes, so
/// a record that counts as stored survives a crash. A removal appends a tombstone line; <see cref="CompactAsync"/> rewrites the
/// file with only the live records (to a temporary file, flushed, then atomically renamed over the original). Compaction
/// also runs by itself when a removal leaves more than 1,024 dead lines and more dead lines than live records.
/// The file is opened for exclusive writing: one store instance per file, per process.
/// </summary>
public sealed class JsonLinesDeadLetterStore : IDeadLetterStore, IDisposable
{
    private const int AutoCompactDeadLines = 1024;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<(string Provider, string Key), (long Order, DeadLetter Letter)> _letters = new();
    private FileStream _stream;
    private long _order;
    private int _deadLines;
    private bool _needsNewLine;
    private int _flushCount;
    private bool _disposed;

    /// <summary>Opens (or creates) the file and loads its records.</summary>
    /// <param name="path">The file's path; its folder is created when missing.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="IOException">The file is in use by another store or cannot be opened.</exception>
    public JsonLinesDeadLetterStore(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException("The dead-letter file path is required.", nameof(path));
        }

        Path = System.IO.Path.GetFullPath(path);
        var folder = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        _stream = OpenForAppend(Path);
        try
        {
            Load();
        }
        catch
        {
            _stream.Dispose();
            throw;
        }
    }

    /// <summary>The file's full path.</summary>
    public string Path { get; }

    /// <summary>The number of live records.</summary>
    public int Count
    {
        get
        {
            lock (_letters)
            {
                return _letters.Count;
            }
        }
    }

    /// <summary>
    /// Lines skipped when the file was loaded because they are not a complete record: a write cut short by a crash or a full disk
    /// (such a write never completed, so its record never counted as stored). Compaction drops them.
    /// </summary>
    public int SkippedLines { get; private set; }

    /// <summary>How many times the file was flushed to disk (one per stored record or tombstone); for tests.</summary>
    internal int FlushCount => Volatile.Read(ref _flushCount);

    /// <inheritdoc />
    public async ValueTask AddAsync(DeadLetter deadLetter, CancellationToken cancellationToken = default)
    {
        DeadLetterChecks.ThrowIfInvalid(deadLetter);
        var line = new DeadLetterLine { Op = DeadLetterLine.AddOp, Letter = DeadLetterDto.From(deadLetter) };
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfDisposed();
            await AppendAsync(line, cancellationToken).ConfigureAwait(false);
            lock (_letters)
            {
                if (_letters.ContainsKey((deadLetter.ProviderName, deadLetter.IdempotencyKey)))
                {
                    _deadLines++;
                }

                _letters[(deadLetter.ProviderName, deadLetter.IdempotencyKey)] = (++_order, deadLetter);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<DeadLetter>> ListAsync(string? providerName = null, CancellationToken cancellationToken = default)
    {
        lock (_letters)
        {
            IReadOnlyList<DeadLetter> list = _letters
                .Where(e => providerName is null || string.Equals(e.Key.Provider, providerName, StringComparison.Ordinal))
                .OrderBy(e => e.Value.Order)
                .Select(e => e.Value.Letter)
                .ToList();
            return new ValueTask<IReadOnlyList<DeadLetter>>(list);
        }
    }

    /// <inheritdoc />
    public async ValueTask<bool> RemoveAsync(string providerName, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfDisposed();
            lock (_letters)
            {
                if (!_letters.ContainsKey((providerName, idempotencyKey)))
                {
                    return false;
                }
            }

            await AppendAsync(new DeadLetterLine { Op = DeadLetterLine.RemoveOp, Provider = providerName, Key = idempotencyKey }, cancellationToken).ConfigureAwait(false);
            bool compact;
            lock (_letters)
            {
                _letters.Remove((providerName, idempotencyKey));
                _deadLines += 2; // the record and its tombstone
                compact = _deadLines > AutoCompactDeadLines && _deadLines > _letters.Count;
            }

            if (compact)
            {
                CompactCore();
            }

            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Rewrites the file with only the live records: written to <c>{Path}.tmp</c>, flushed to disk, then renamed over the file
    /// in one step, so a crash leaves either the old file or the new one.
    /// </summary>
    /// <param name="cancellationToken">Cancels waiting for other writes.</param>
    /// <returns>A task that completes when the file is rewritten.</returns>
    public async Task CompactAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfDisposed();
            CompactCore();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _gate.Wait();
        try
        {
            _disposed = true;
            _stream.Dispose();
        }
        finally
        {
            _gate.Release();
        }
    }

    private static FileStream OpenForAppend(string path)
    {
        // Read access too, so Load can read it back; FileShare.Read lets tools (and tests) read it while it is open.
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 4096, FileOptions.None);
        return stream;
    }

    private static byte[] Serialize(DeadLetterLine line) =>
        JsonSerializer.SerializeToUtf8Bytes(line, DeadLetterJsonContext.Default.DeadLetterLine);

    // Called by the constructor: reads every line from the start, then leaves the stream positioned at the end.
    private void Load()
    {
        _stream.Position = 0;
        var lines = new List<string>();
        using (var reader = new StreamReader(_stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, 4096, leaveOpen: true))
        {
            string? text;
            while ((text = reader.ReadLine()) is not null)
            {
                if (!string.IsNullOrWhiteSpace(text))
                {
                    lines.Add(text);
                }
            }
        }

        foreach (var text in lines)
        {
            DeadLetterLine? line;
            try
            {
                line = JsonSerializer.Deserialize(text, DeadLetterJsonContext.Default.DeadLetterLine);
            }
            catch (JsonException)
            {
                line = null;
            }

            if (!Apply(line))
            {
                // A torn line: a write cut short (crash, full disk) before its flush completed, so it never counted as stored.
                SkippedLines++;
                _deadLines++;
            }
        }

        _stream.Seek(0, SeekOrigin.End);
        if (_stream.Length > 0)
        {
            _stream.Seek(-1, SeekOrigin.End);
            _needsNewLine = _stream.ReadByte() != '\n';
            _stream.Seek(0, SeekOrigin.End);
        }
    }

    private bool Apply(DeadLetterLine? line)
    {
        switch (line?.Op)
        {
            case DeadLetterLine.AddOp when line.Letter is { ProviderName: { Length: > 0 }, IdempotencyKey: { Length: > 0 } } dto:
                if (_letters.ContainsKey((dto.ProviderName!, dto.IdempotencyKey!)))
                {
                    _deadLines++;
                }

                _letters[(dto.ProviderName!, dto.IdempotencyKey!)] = (++_order, dto.ToDeadLetter());
                return true;
            case DeadLetterLine.RemoveOp when line.Provider is not null && line.Key is not null:
                if (_letters.Remove((line.Provider, line.Key)))
                {
                    _deadLines++;
                }

                _deadLines++;
                return true;
            default:
                return false;
        }
    }

    // Called under _gate.
    private async Task AppendAsync(DeadLetterLine line, CancellationToken cancellationToken)
    {
        var json = Serialize(line);
        var buffer = new byte[json.Length + (_needsNewLine ? 2 : 1)];
        var offset = 0;
        if (_needsNewLine)
        {
            buffer[offset++] = (byte)'\n';
        }

        Buffer.BlockCopy(json, 0, buffer, offset, json.Length);
        buffer[buffer.Length - 1] = (byte)'\n';
        try
        {
            await _stream.WriteAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
            _stream.Flush(flushToDisk: true);
            _needsNewLine = false;
        }
        catch
        {
            // Part of the line may be on disk: start the next record on a new line so only this one is torn.
            _needsNewLine = true;
            throw;
        }

        Interlocked.Increment(ref _flushCount);
    }

    // Called under _gate.
    private void CompactCore()
    {
        List<DeadLetter> live;
        lock (_letters)
        {
            live = _letters.OrderBy(e => e.Value.Order).Select(e => e.Value.Letter).ToList();
        }

        var temporary = Path + ".tmp";
        using (var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.None))
        {
            foreach (var letter in live)
            {
                var json = Serialize(new DeadLetterLine { Op = DeadLetterLine.AddOp, Letter = DeadLetterDto.From(letter) });
                output.Write(json, 0, json.Length);
                output.WriteByte((byte)'\n');
            }

            output.Flush(flushToDisk: true);
        }

        _stream.Dispose();
        try
        {
            File.Replace(temporary, Path, destinationBackupFileName: null);
        }
        finally
        {
            _stream = OpenForAppend(Path);
            _stream.Seek(0, SeekOrigin.End);
        }

        Interlocked.Increment(ref _flushCount);
        _needsNewLine = false;
        lock (_letters)
        {
            _deadLines = 0;
        }
    }

    private void ThrowIfDisposed()
    {
        if (_disposed)
        {
            throw new ObjectDisposedException(nameof(JsonLinesDeadLetterStore));
        }
    }
}
