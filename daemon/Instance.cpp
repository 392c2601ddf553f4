// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/Instance.hpp"

#include <malloc.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "daemon/ClientSession.hpp"
#include "daemon/Listen.hpp"
#include "daemon/Log.hpp"
#include "ipc/Log.hpp"

Instance::Instance(Options options)
    : options_(std::move(options)),
      signals_(loop_, {SIGTERM, SIGINT, SIGHUP}, [this](int signal) noexcept { OnSignal(signal); }),
      service_(
          loop_, [this]() noexcept { return cards_.GetOnlineCount(); },
          [this]() noexcept { return server_.GetClientCount(); }),
      cache_([this](const Core::Change& change) {
          notifier_.OnCacheChange(change);
          keeper_.OnCacheChange(change);
      }),
      warnings_(options_.root),
      cards_(loop_, cache_, options_, *this),
      notifier_(loop_, cache_),
      meters_(loop_, cache_, cards_),
      keeper_(loop_, options_, cache_),
      context_{options_, cache_, cards_, notifier_, meters_, warnings_, keeper_},
      server_(loop_, *this, FitToFdLimit(options_.limits)) {
    /* A client that goes away mid-write must not kill us: Restart=on-failure would
     * not even restart a daemon killed by SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);
    context_.server = &server_;
    keeper_.SetContext(context_);
    cache_.SetAttachHook([this](const std::string& id) { keeper_.OnAttach(id); });
    /* The ipc layer's lines go where the daemon's go (journal fields, -v/-q). */
    Ipc::SetLogSink([](Ipc::LogLevel level, std::string_view line) {
        const auto to = level == Ipc::LogLevel::Error     ? Log::Level::Error
                        : level == Ipc::LogLevel::Warning ? Log::Level::Warning
                                                          : Log::Level::Notice;
        Log::Write(to, line);
    });
    for (const auto& sim : options_.simulated) {
        if (sim.pid <= 0) continue;
        const std::string name = sim.identity.card_id;
        auto child = std::make_unique<Event::ChildWatch>(
            loop_, [this, name](int status) noexcept { OnSimulatorExit(name, status); });
        child->Watch(sim.pid);
        simulators_.push_back(std::move(child));
    }
    Listen(server_, options_);
}

Instance::~Instance() {
    Ipc::SetLogSink({});
}

Ipc::Limits Instance::FitToFdLimit(Ipc::Limits limits) {
    rlimit files{};
    if (getrlimit(RLIMIT_NOFILE, &files) != 0 || files.rlim_cur == RLIM_INFINITY) return limits;
    /* Clients beyond this would meet EMFILE before the limit: they would wait in the
     * backlog instead of getting their limit.exceeded line, and cards could not be
     * opened. The rest is the daemon's own: loop, sockets, cards, simulators. */
    const size_t usable = files.rlim_cur > FDS_OF_OUR_OWN ? files.rlim_cur - FDS_OF_OUR_OWN : 1;
    if (limits.max_clients > usable) {
        Log::Notice("serving at most " + std::to_string(usable) + " clients, not " +
                    std::to_string(limits.max_clients) + ": the open-file limit is " +
                    std::to_string(files.rlim_cur) + " (LimitNOFILE=, ulimit -n)");
        limits.max_clients = usable;
    }
    return limits;
}

void Instance::Start() {
    cards_.Start();
    keeper_.RestorePending();
    /* Loading a card leaves freed temporaries (alsa-lib's and ours) in the heap; give
     * them back once, so an idle daemon does not keep its startup peak (bench/:
     * RSS of the 936-control Gen 4 18i20). Not Ipc::TrimHeap(): measured here, it
     * left 50-200 KiB more than malloc_trim alone (what it takes to empty the cache
     * is new heap at this point; after a crowd, it is the cache that pins pages). */
    malloc_trim(0);
    /* Sockets listen (constructor) and every present card is enumerated: ready, even
     * with zero cards. */
    service_.Ready();
}

void Instance::Run() {
    Start();
    loop_.Run();
    service_.Stopping();
}

void Instance::OnSignal(int signal) noexcept {
    /* A closed terminal, or `systemctl reload` out of habit: there is no configuration
     * to read again, and dying of it would take every client's device away. */
    if (signal == SIGHUP) {
        Log::Notice("SIGHUP: nothing to reload; still running");
        return;
    }
    Log::Info("signal " + std::to_string(signal) + ": stopping");
    loop_.Break();
}

void Instance::OnSimulatorExit(const std::string& name, int status) noexcept {
    /* Reaped by the ChildWatch: no zombie. Its device goes offline through its ctl. */
    Log::Notice("the simulator of " + name + " ended (" +
                (WIFEXITED(status) ? "status " + std::to_string(WEXITSTATUS(status))
                                   : "signal " + std::to_string(WTERMSIG(status))) +
                ")");
}

std::unique_ptr<Ipc::Session> Instance::OnConnect(Ipc::Connection& connection) {
    auto session = std::make_unique<ClientSession>(connection, context_);
    service_.ScheduleStatus();
    Log::Debug("client " + std::to_string(connection.GetId()) + " connected, pid " +
                   std::to_string(connection.GetPid()),
               {.client_pid = connection.GetPid()});
    return session;
}

void Instance::OnDisconnect(Ipc::Connection& connection) noexcept {
    service_.ScheduleStatus();
    cards_.OnFdsReleased();
    Log::Debug("client " + std::to_string(connection.GetId()) + " disconnected",
               {.client_pid = connection.GetPid()});
}

void Instance::OnTrim() noexcept {
    notifier_.ReleaseMemory();
}

void Instance::OnCardOnline(const Alsa::CardIdentity& identity) noexcept {
    meters_.Replan(identity.id); /* meter subscribers of a replugged device */
    warnings_.Check(identity);
    keeper_.OnOnline(identity.id);
    service_.ScheduleStatus();
}

void Instance::OnCardOffline(const std::string& id) noexcept {
    meters_.Replan(id);
    keeper_.OnOffline(id);
    service_.ScheduleStatus();
}
