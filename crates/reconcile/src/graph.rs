//! The conflict graph: claims, value clusters and figures, linear in the number of claims.
//!
//! Claims that state the same interval with the same standing form one cluster, and each
//! claim is joined to its cluster (`agrees`); each cluster is joined to its subject's figure by
//! its relation; a claim that repeats an origin is joined to that origin's first claim (`same
//! origin`); a part's figure is joined to its whole's (`part of`). So `n` agreeing claims cost
//! `n` edges, not `n²`.

use crate::recon::Reconciliation;
use crate::report::{Relation, Status};
use petgraph::graph::{DiGraph, NodeIndex};
use reckon_claim::{Interval, Subject};
use std::collections::HashMap;

/// A node of the graph. A log's graph has a node for every claim: the rarer, larger kinds
/// are boxed, so that a node is three words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    /// A claim, by log sequence number.
    Claim {
        /// Log sequence number.
        seq: u64,
        /// Index into the state's claims.
        index: usize,
    },
    /// Claims of one subject and unit that state the same interval and stand alike.
    Cluster(Box<Cluster>),
    /// A subject's figure in a unit.
    Figure(Box<Figure>),
}

/// What a [`Node::Cluster`] stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cluster {
    /// The subject.
    pub subject: Subject,
    /// The interval they state.
    pub interval: Interval,
    /// True when they count toward support or dissent.
    pub counted: bool,
}

/// What a [`Node::Figure`] stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Figure {
    /// The subject.
    pub subject: Subject,
    /// The unit.
    pub unit: String,
    /// The figure, when there is one.
    pub interval: Option<Interval>,
    /// The verdict.
    pub status: Status,
}

/// An edge of the graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edge {
    /// A claim belongs to a cluster of equal claims.
    Agrees,
    /// A cluster's relation to the figure.
    Relation(Relation),
    /// A claim repeats the origin of an earlier claim.
    SameOrigin,
    /// A part's figure feeds its whole's.
    PartOf,
}

impl Edge {
    /// The word used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Edge::Agrees => "agrees",
            Edge::Relation(r) => r.as_str(),
            Edge::SameOrigin => "same origin",
            Edge::PartOf => "part of",
        }
    }
}

/// The graph of a reconciliation.
pub type ConflictGraph = DiGraph<Node, Edge>;

/// Builds the graph of the reported subjects.
pub fn build(r: &Reconciliation) -> ConflictGraph {
    let mut b = Builder::default();
    for s in &r.subjects {
        b.add(s);
    }
    b.finish()
}

/// The graph of every report `reports` hands out, `batch` at a time: each batch is added
/// while the next is made on the pool, and let go once added (the reports of a large log
/// are never all held). The same graph, node for node, as [`build`] of the reconciliation
/// they make.
pub fn build_from(reports: &mut crate::recon::Reports<'_, '_>, batch: usize) -> ConflictGraph {
    let mut b = Builder::default();
    let mut ready = reports.next_batch(batch);
    while !ready.is_empty() {
        let mut next = Vec::new();
        rayon::join(
            || next = reports.next_batch(batch),
            || ready.iter().for_each(|s| b.add(s)),
        );
        ready = next;
    }
    b.finish()
}

/// The graph made one report at a time, in the order [`build`] takes them (so the same
/// graph, node for node): [`build_from`] adds each batch of reports as it is made, never
/// holding them all.
#[derive(Default)]
struct Builder {
    g: ConflictGraph,
    /// Each subject's figure node, by subject and unit.
    figures: HashMap<(Subject, String), NodeIndex>,
    /// Each whole's figure node with its unit and parts, in the order added: the parts'
    /// edges are drawn once every figure is there.
    wholes: Vec<(NodeIndex, String, Vec<Subject>)>,
}

impl Builder {
    /// Adds a subject's figure, clusters and claims.
    fn add(&mut self, s: &crate::report::SubjectReport) {
        let g = &mut self.g;
        let fig = g.add_node(Node::Figure(Box::new(Figure {
            subject: s.subject.clone(),
            unit: s.unit.clone(),
            interval: s.figure,
            status: s.status,
        })));
        self.figures
            .insert((s.subject.clone(), s.unit.clone()), fig);
        if let Some(check) = &s.parts {
            let parts = check.parts.iter().map(|(p, _)| p.clone()).collect();
            self.wholes.push((fig, s.unit.clone(), parts));
        }
        // Claims stand alike when they state the same interval, count alike and relate to the
        // figure the same way (a retracted claim and one about another time never share).
        let mut clusters: HashMap<(Interval, bool, Option<Relation>), NodeIndex> = HashMap::new();
        let mut claim_nodes: HashMap<u64, NodeIndex> = HashMap::new();
        for a in &s.claims {
            let c = g.add_node(Node::Claim {
                seq: a.seq,
                index: a.index,
            });
            claim_nodes.insert(a.seq, c);
            let key = (a.interval, a.counts(), a.relation);
            let cluster = *clusters.entry(key).or_insert_with(|| {
                let n = g.add_node(Node::Cluster(Box::new(Cluster {
                    subject: s.subject.clone(),
                    interval: a.interval,
                    counted: a.counts(),
                })));
                if let Some(rel) = a.relation {
                    g.add_edge(n, fig, Edge::Relation(rel));
                }
                n
            });
            g.add_edge(c, cluster, Edge::Agrees);
            if let Some(first) = a.repeats.and_then(|f| claim_nodes.get(&f.get())) {
                g.add_edge(c, *first, Edge::SameOrigin);
            }
        }
    }

    /// The graph, with each part's figure joined to its whole's.
    fn finish(mut self) -> ConflictGraph {
        for (whole, unit, parts) in std::mem::take(&mut self.wholes) {
            for p in parts {
                if let Some(&part) = self.figures.get(&(p, unit.clone())) {
                    self.g.add_edge(part, whole, Edge::PartOf);
                }
            }
        }
        self.g
    }
}
