<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!-- admin_incidents.xsl - the administrators' incidents page: the health of
     the scheduler, the mailer and the letters job, then the timers, mails
     and letters that failed for good, each with "Réessayer" and
     "Abandonner".  Input (engine/h_admin_ops.c):
     /page[@notice]/health[@timers_late, @timers_pending, @timer_last,
       @mails_late, @mails_pending, @mail_last, @letters_late,
       @letters_pending, @letter_last]
     /page/timers[@n]/timer[@id, @name, @transition, @action, @state,
       @attempts, @last_error, @reference, @demand, @workflow, @due,
       @failed_at, @applies]
     /page/mails[@n]/mail[@id, @template, @recipient, @attempts,
       @last_error, @reference, @demand, @created]
     /page/letters[@n]/letter[@id, @template, @reference, @demand,
       @recipient, @locality, @attempts, @last_error, @sealed, @created,
       @failed_at] -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:value-of select="g:msg('ops.title')"/>
  </xsl:template>

  <xsl:template name="acts">
    <xsl:param name="kind"/>
    <div class="actions">
      <form method="post" action="/admin/incidents/{$kind}/{@id}/retry">
        <xsl:call-template name="csrf"/>
        <button type="submit" aria-describedby="{$kind}-{@id}"><xsl:value-of select="g:msg('ops.retry')"/></button>
      </form>
      <form method="post" action="/admin/incidents/{$kind}/{@id}/cancel">
        <xsl:call-template name="csrf"/>
        <button type="submit" class="secondary" aria-describedby="{$kind}-{@id}"><xsl:value-of select="g:msg('ops.cancel')"/></button>
      </form>
    </div>
  </xsl:template>

  <xsl:template name="state-line">
    <xsl:param name="late"/>
    <xsl:param name="pending"/>
    <xsl:param name="last"/>
    <xsl:param name="what"/>
    <dt><xsl:value-of select="g:msg(concat('ops.health.', $what))"/></dt>
    <dd>
      <xsl:choose>
        <xsl:when test="$late &gt; 0">
          <strong class="bad"><xsl:value-of select="g:msg(concat('ops.health.', $what, '_late'), $late)"/></strong>
        </xsl:when>
        <xsl:otherwise><xsl:value-of select="g:msg(concat('ops.health.', $what, '_ok'), $pending)"/></xsl:otherwise>
      </xsl:choose>
      <xsl:text> </xsl:text>
      <xsl:choose>
        <xsl:when test="string($last)"><xsl:value-of select="g:msg('ops.health.last', $last)"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="g:msg('ops.health.never')"/></xsl:otherwise>
      </xsl:choose>
    </dd>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <p><a href="/admin"><xsl:value-of select="g:msg('admin.procs.back')"/></a></p>
    <h1><xsl:value-of select="g:msg('ops.title')"/></h1>
    <p class="lead"><xsl:value-of select="g:msg('ops.lead')"/></p>
    <xsl:if test="@notice">
      <div role="status">
        <xsl:attribute name="class">
          <xsl:choose>
            <xsl:when test="@notice = 'ops.gone'">flash flash-error</xsl:when>
            <xsl:otherwise>flash flash-ok</xsl:otherwise>
          </xsl:choose>
        </xsl:attribute>
        <p><xsl:value-of select="g:msg(@notice)"/></p>
      </div>
    </xsl:if>

    <section aria-labelledby="health-title">
      <h2 id="health-title"><xsl:value-of select="g:msg('ops.health')"/></h2>
      <dl class="counts">
        <xsl:for-each select="health">
          <xsl:call-template name="state-line">
            <xsl:with-param name="what" select="'scheduler'"/>
            <xsl:with-param name="late" select="@timers_late"/>
            <xsl:with-param name="pending" select="@timers_pending"/>
            <xsl:with-param name="last" select="@timer_last"/>
          </xsl:call-template>
          <xsl:call-template name="state-line">
            <xsl:with-param name="what" select="'mailer'"/>
            <xsl:with-param name="late" select="@mails_late"/>
            <xsl:with-param name="pending" select="@mails_pending"/>
            <xsl:with-param name="last" select="@mail_last"/>
          </xsl:call-template>
          <xsl:call-template name="state-line">
            <xsl:with-param name="what" select="'letters'"/>
            <xsl:with-param name="late" select="@letters_late"/>
            <xsl:with-param name="pending" select="@letters_pending"/>
            <xsl:with-param name="last" select="@letter_last"/>
          </xsl:call-template>
        </xsl:for-each>
      </dl>
    </section>

    <section aria-labelledby="timers-title">
      <h2 id="timers-title"><xsl:value-of select="g:msg('ops.timers', timers/@n)"/></h2>
      <xsl:if test="not(timers/timer)"><p><xsl:value-of select="g:msg('ops.timers.none')"/></p></xsl:if>
      <xsl:for-each select="timers/timer">
        <article class="incident" aria-labelledby="timer-{@id}">
          <h3 id="timer-{@id}">
            <a href="/demands/{@demand}"><xsl:value-of select="@reference"/></a>
            <xsl:text> – </xsl:text>
            <code><xsl:value-of select="@workflow"/></code>
          </h3>
          <dl>
            <dt><xsl:value-of select="g:msg('ops.timer.what')"/></dt>
            <dd>
              <code><xsl:choose><xsl:when test="@transition"><xsl:value-of select="@transition"/></xsl:when><xsl:otherwise><xsl:value-of select="@action"/></xsl:otherwise></xsl:choose></code>
              <xsl:text> </xsl:text>
              <xsl:value-of select="g:msg('ops.timer.in', @state)"/>
              <xsl:if test="@applies = 'no'">
                <xsl:text> </xsl:text><xsl:value-of select="g:msg('ops.timer.moved')"/>
              </xsl:if>
            </dd>
            <dt><xsl:value-of select="g:msg('ops.due')"/></dt>
            <dd><xsl:value-of select="@due"/></dd>
            <dt><xsl:value-of select="g:msg('ops.attempts')"/></dt>
            <dd><xsl:value-of select="concat(@attempts, ', ', @failed_at)"/></dd>
            <dt><xsl:value-of select="g:msg('ops.error')"/></dt>
            <dd><code class="error-text"><xsl:value-of select="@last_error"/></code></dd>
          </dl>
          <xsl:call-template name="acts"><xsl:with-param name="kind" select="'timer'"/></xsl:call-template>
        </article>
      </xsl:for-each>
    </section>

    <section aria-labelledby="mails-title">
      <h2 id="mails-title"><xsl:value-of select="g:msg('ops.mails', mails/@n)"/></h2>
      <xsl:if test="not(mails/mail)"><p><xsl:value-of select="g:msg('ops.mails.none')"/></p></xsl:if>
      <xsl:for-each select="mails/mail">
        <article class="incident" aria-labelledby="mail-{@id}">
          <h3 id="mail-{@id}">
            <code><xsl:value-of select="@template"/></code>
            <xsl:text> → </xsl:text>
            <span class="recipient"><xsl:value-of select="@recipient"/></span>
          </h3>
          <dl>
            <xsl:if test="@reference">
              <dt><xsl:value-of select="g:msg('ops.demand')"/></dt>
              <dd><a href="/demands/{@demand}"><xsl:value-of select="@reference"/></a></dd>
            </xsl:if>
            <dt><xsl:value-of select="g:msg('ops.queued')"/></dt>
            <dd><xsl:value-of select="@created"/></dd>
            <dt><xsl:value-of select="g:msg('ops.attempts')"/></dt>
            <dd><xsl:value-of select="@attempts"/></dd>
            <dt><xsl:value-of select="g:msg('ops.error')"/></dt>
            <dd><code class="error-text"><xsl:value-of select="@last_error"/></code></dd>
          </dl>
          <xsl:call-template name="acts"><xsl:with-param name="kind" select="'mail'"/></xsl:call-template>
        </article>
      </xsl:for-each>
    </section>

    <section aria-labelledby="letters-title">
      <h2 id="letters-title"><xsl:value-of select="g:msg('ops.letters', letters/@n)"/></h2>
      <xsl:choose>
        <xsl:when test="not(letters/letter)"><p><xsl:value-of select="g:msg('ops.letters.none')"/></p></xsl:when>
        <xsl:otherwise><p class="help"><xsl:value-of select="g:msg('ops.letters.help')"/></p></xsl:otherwise>
      </xsl:choose>
      <xsl:for-each select="letters/letter">
        <xsl:variable name="key" select="concat('letters.template.', @template)"/>
        <article class="incident" aria-labelledby="letter-{@id}">
          <h3 id="letter-{@id}">
            <xsl:choose>
              <xsl:when test="@reference"><a href="/demands/{@demand}"><xsl:value-of select="@reference"/></a></xsl:when>
              <xsl:otherwise><xsl:value-of select="g:msg('ops.letter.no_demand')"/></xsl:otherwise>
            </xsl:choose>
            <xsl:text> – </xsl:text>
            <xsl:choose>
              <xsl:when test="g:msg($key) != $key"><xsl:value-of select="g:msg($key)"/></xsl:when>
              <xsl:otherwise><code><xsl:value-of select="@template"/></code></xsl:otherwise>
            </xsl:choose>
          </h3>
          <dl>
            <dt><xsl:value-of select="g:msg('ops.letter.recipient')"/></dt>
            <dd>
              <xsl:value-of select="@recipient"/>
              <xsl:if test="string(@locality)"><xsl:text>, </xsl:text><xsl:value-of select="@locality"/></xsl:if>
              <xsl:if test="@sealed = 'yes'">
                <xsl:text> </xsl:text><xsl:value-of select="g:msg('ops.letter.sealed')"/>
              </xsl:if>
            </dd>
            <dt><xsl:value-of select="g:msg('ops.queued')"/></dt>
            <dd><xsl:value-of select="@created"/></dd>
            <dt><xsl:value-of select="g:msg('ops.attempts')"/></dt>
            <dd>
              <xsl:value-of select="@attempts"/>
              <xsl:if test="string(@failed_at)"><xsl:value-of select="concat(', ', @failed_at)"/></xsl:if>
            </dd>
            <dt><xsl:value-of select="g:msg('ops.error')"/></dt>
            <dd><code class="error-text"><xsl:value-of select="@last_error"/></code></dd>
          </dl>
          <xsl:call-template name="acts"><xsl:with-param name="kind" select="'letter'"/></xsl:call-template>
        </article>
      </xsl:for-each>
    </section>
  </xsl:template>
</xsl:stylesheet>
