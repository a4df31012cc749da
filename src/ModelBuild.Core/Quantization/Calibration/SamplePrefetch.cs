using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace ModelBuild.Core.Quantization.Calibration;

/// <summary>
/// Enumerates a sample stream on its own thread, a few samples ahead of the consumer, so decoding and resizing the
/// next images overlaps the float model running the current batch (the model's fork-join leaves a core idle at every
/// layer's end, and the decoder fills those gaps). Order is kept, so calibration is the same as without it; the
/// source's exceptions reach the consumer as themselves; a consumer that stops early stops the producer. Memory stays
/// bounded: at most <c>capacity</c> samples wait.
/// </summary>
internal static class SamplePrefetch
{
    public static IEnumerable<float[]> Ahead(IEnumerable<float[]> source, int capacity)
    {
        using var queue = new BlockingCollection<float[]>(Math.Max(1, capacity));
        using var stop = new CancellationTokenSource();
        ExceptionDispatchInfo? failure = null;
        // A dedicated thread, not the pool: inside MSBuild the pool is shared with the build's own work.
        var producer = new Thread(() =>
        {
            try
            {
                foreach (var sample in source) queue.Add(sample, stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                queue.CompleteAdding();
            }
        })
        { IsBackground = true, Name = "ModelBuild calibration samples" };
        producer.Start();
        try
        {
            foreach (var sample in queue.GetConsumingEnumerable()) yield return sample;
            producer.Join();
            failure?.Throw();
        }
        finally
        {
            stop.Cancel();
            producer.Join();
        }
    }
}
