// dlib's own face pipeline end to end, to compare FacePing's speed with (eng/bench-pipeline.sh):
// JPEG decode → HOG frontal face detector (upsampled `upsample` times, as face_recognition does once by default) →
// 68-point shape predictor → 150×150 chip with 25 % padding (get_face_chip_details) → the face ResNet, all faces of a
// photo in one batch.
//
//   dlib_pipeline <shape_predictor_68_face_landmarks.dat> <dlib_face_recognition_resnet_model_v1.dat>
//                 <threads> <upsample> <photo>...
//
// <threads> workers take photos from the list (each with its own detector and network copies: dlib's objects are not
// shared across threads). Prints one line per photo (faces, decode/detect/landmarks/embed ms) and a summary line:
// photos/s, faces/s and ms per face of wall time, and CPU ms per photo and per face.

#include "dlib_resnet.h"

#include <dlib/image_io.h>
#include <dlib/image_processing.h>
#include <dlib/image_processing/frontal_face_detector.h>

#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace dlib;
using faceping::anet_type;
using clock_type = std::chrono::steady_clock;

namespace
{
    double cpu_ms()
    {
        rusage usage{};
        getrusage(RUSAGE_SELF, &usage);
        return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000.0
            + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000.0;
    }

    double ms_since(clock_type::time_point start)
    {
        return std::chrono::duration<double, std::milli>(clock_type::now() - start).count();
    }

    struct result
    {
        long faces = 0;
        double decode = 0, detect = 0, landmarks = 0, embed = 0;
    };

    result run_one(const std::string& path, int upsample, frontal_face_detector& detector, const shape_predictor& sp,
                   anet_type& net)
    {
        result r;
        auto t = clock_type::now();
        matrix<rgb_pixel> img;
        load_image(img, path);
        r.decode = ms_since(t);

        t = clock_type::now();
        // Same call as face_recognition's face_locations(img, number_of_times_to_upsample).
        std::vector<rectangle> dets = detector(img, upsample);
        r.detect = ms_since(t);

        t = clock_type::now();
        std::vector<matrix<rgb_pixel>> chips;
        for (const auto& d : dets)
        {
            matrix<rgb_pixel> chip;
            extract_image_chip(img, get_face_chip_details(sp(img, d), 150, 0.25), chip);
            chips.push_back(std::move(chip));
        }
        r.landmarks = ms_since(t);

        t = clock_type::now();
        if (!chips.empty())
        {
            std::vector<matrix<float, 0, 1>> descriptors = net(chips);
            r.faces = static_cast<long>(descriptors.size());
        }
        r.embed = ms_since(t);
        return r;
    }
}

int main(int argc, char** argv)
try
{
    if (argc < 6)
    {
        std::fprintf(stderr, "usage: %s <shape_predictor_68.dat> <resnet.dat> <threads> <upsample> <photo>...\n",
                     argv[0]);
        return 2;
    }
    const int threads = std::stoi(argv[3]);
    const int upsample = std::stoi(argv[4]);
    std::vector<std::string> photos(argv + 5, argv + argc);
    std::vector<result> results(photos.size());

    shape_predictor sp;
    deserialize(argv[1]) >> sp;
    anet_type prototype;
    deserialize(argv[2]) >> prototype;

    // Warm-up outside the timed run: one photo per worker's objects is enough to page everything in.
    {
        frontal_face_detector detector = get_frontal_face_detector();
        anet_type net = prototype;
        run_one(photos[0], upsample, detector, sp, net);
    }

    std::atomic<size_t> next{0};
    const double cpu_start = cpu_ms();
    auto start = clock_type::now();
    std::vector<std::thread> workers;
    for (int w = 0; w < threads; ++w)
    {
        workers.emplace_back([&]
        {
            frontal_face_detector detector = get_frontal_face_detector();
            anet_type net = prototype;
            for (size_t i; (i = next++) < photos.size();)
                results[i] = run_one(photos[i], upsample, detector, sp, net);
        });
    }
    for (auto& w : workers) w.join();
    const double wall = ms_since(start);
    const double cpu = cpu_ms() - cpu_start;

    long faces = 0;
    result sum;
    for (size_t i = 0; i < photos.size(); ++i)
    {
        const auto& r = results[i];
        std::printf("%s faces %ld decode %.1f detect %.1f landmarks %.1f embed %.1f\n", photos[i].c_str(), r.faces,
                    r.decode, r.detect, r.landmarks, r.embed);
        faces += r.faces;
        sum.decode += r.decode;
        sum.detect += r.detect;
        sum.landmarks += r.landmarks;
        sum.embed += r.embed;
    }
    const double n = static_cast<double>(photos.size());
    std::printf("summary photos %zu faces %ld wall_s %.2f photos_per_s %.2f faces_per_s %.2f ms_per_face %.1f "
                "cpu_ms_per_photo %.1f cpu_ms_per_face %.1f "
                "mean_ms decode %.1f detect %.1f landmarks %.1f embed %.1f embed_per_face %.1f "
                "threads %d upsample %d\n",
                photos.size(), faces, wall / 1000, n * 1000 / wall, faces * 1000 / wall,
                faces > 0 ? wall / faces : 0.0, cpu / n, faces > 0 ? cpu / faces : 0.0, sum.decode / n,
                sum.detect / n, sum.landmarks / n, sum.embed / n, faces > 0 ? sum.embed / faces : 0.0, threads,
                upsample);
    return 0;
}
catch (const std::exception& e)
{
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
}
