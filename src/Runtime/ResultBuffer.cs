using System;
using System.Threading;

namespace AsyncGuard
{
    /// <summary>
    /// Results stored by position from several threads without a lock: an array of the size the source announced,
    /// then chunks of doubling size (16, 32, 64, ...) for whatever comes beyond it.
    /// </summary>
    internal sealed class ResultBuffer<TResult>
    {
        private const int FirstChunkBits = 4;

        // 27 doubling chunks hold more than an array can: 16 * (2^27 - 1) > int.MaxValue.
        private readonly TResult[]?[] _chunks = new TResult[]?[27];
        private readonly TResult[] _sized;

        public ResultBuffer(int countHint) => _sized = countHint > 0 ? new TResult[countHint] : Array.Empty<TResult>();

        public void Set(long index, TResult value)
        {
            if (index < _sized.Length)
            {
                _sized[index] = value;
                return;
            }

            var position = (ulong)(index - _sized.Length) + (1UL << FirstChunkBits);
            var chunk = Log2(position) - FirstChunkBits;
            if (chunk >= _chunks.Length)
            {
                throw new InvalidOperationException("The source has more elements than an array can hold.");
            }

            var array = Volatile.Read(ref _chunks[chunk]) ?? AllocateChunk(chunk);
            array[(long)(position - (1UL << (chunk + FirstChunkBits)))] = value;
        }

        public TResult[] ToArray(long count)
        {
            if (count == _sized.Length)
            {
                return _sized;
            }

            var result = new TResult[count];
            var copied = Math.Min(count, _sized.Length);
            Array.Copy(_sized, result, copied);
            for (var chunk = 0; copied < count; chunk++)
            {
                var array = _chunks[chunk]!;
                var length = Math.Min(array.Length, count - copied);
                Array.Copy(array, 0, result, copied, length);
                copied += length;
            }

            return result;
        }

        private static int Log2(ulong value)
        {
#if NET
            return System.Numerics.BitOperations.Log2(value);
#else
            var log = 0;
            while ((value >>= 1) != 0)
            {
                log++;
            }

            return log;
#endif
        }

        private TResult[] AllocateChunk(int chunk)
        {
            var fresh = new TResult[1 << (chunk + FirstChunkBits)];
            return Interlocked.CompareExchange(ref _chunks[chunk], fresh, null) ?? fresh;
        }
    }
}
